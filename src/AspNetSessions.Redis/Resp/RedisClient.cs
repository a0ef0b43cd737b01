using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// <see cref="IRedisClient"/> over one multiplexed <see cref="RedisConnection"/>, which it owns. See
/// <see cref="IRedisClient"/> for the error contract.
/// </summary>
internal sealed class RedisClient : IRedisClient
{
    private readonly RedisConnection _connection;

    /// <summary>Creates the client; nothing connects until the first command.</summary>
    /// <param name="configuration">Where and how to connect.</param>
    /// <param name="logger">Receives connection events; null for none.</param>
    /// <param name="timeProvider">The clock; null for <see cref="TimeProvider.System"/>.</param>
    public RedisClient(RedisConfiguration configuration, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(new RedisConnection(configuration, logger, timeProvider))
    {
    }

    /// <summary>Creates the client over an existing connection, which it then owns and disposes.</summary>
    /// <param name="connection">The connection.</param>
    public RedisClient(RedisConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>The underlying multiplexed connection.</summary>
    public RedisConnection Connection => _connection;

    /// <inheritdoc />
    public bool IsConnected => _connection.IsConnected;

    /// <inheritdoc />
    public ValueTask<RespValue> ExecuteAsync(string command, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new RedisCommand(command, args), cancellationToken);

    /// <inheritdoc />
    public ValueTask<RespValue> EvalAsync(
        RedisScript script, ReadOnlyMemory<RedisArg> keys, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        var reply = _connection.ExecuteAsync(
            new RedisCommand("EVALSHA", script.Sha1Utf8, keys.Length, keys, args), cancellationToken);
        return reply.IsCompletedSuccessfully ? reply : AwaitEvalAsync(reply, script, keys, args, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RespValue> AwaitEvalAsync(
        ValueTask<RespValue> reply, RedisScript script, ReadOnlyMemory<RedisArg> keys, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken)
    {
        try
        {
            return await reply.ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.IsNoScript)
        {
            // Not cached (first use, SCRIPT FLUSH, restart, failover): EVAL runs it and caches it for the next EVALSHA.
            return await _connection.ExecuteAsync(
                new RedisCommand("EVAL", script.TextUtf8, keys.Length, keys, args), cancellationToken).ConfigureAwait(false);
        }
    }
}
