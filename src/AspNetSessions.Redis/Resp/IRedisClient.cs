
namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The seam between the Redis session store and the client underneath: everything the store needs, so replacing the
/// client touches one implementation.
/// </summary>
/// <remarks>
/// Error contract, the same for every member: an error reply from the server is thrown as
/// <see cref="RedisServerException"/> (its message is the server's text, e.g. <c>WRONGTYPE ...</c>) and is never
/// returned as a value, except for errors nested inside an aggregate reply, which stay values with
/// <see cref="RespValue.IsError"/> set. Being unable to reach the server, losing it, or a reply not arriving in time
/// throws <see cref="RedisConnectionException"/> (timeouts as its subclass <see cref="RedisTimeoutException"/>);
/// the store turns those into <see cref="SessionStoreUnavailableException"/>. Cancellation throws
/// <see cref="OperationCanceledException"/>. Replies arrive as RESP3 when the server supports it (maps as
/// <see cref="RespKind.Map"/> with alternating keys and values), otherwise as RESP2.
/// </remarks>
internal interface IRedisClient : IAsyncDisposable
{
    /// <summary>True while a healthy connection is established (false before the first command).</summary>
    bool IsConnected { get; }

    /// <summary>Runs one command.</summary>
    /// <param name="command">The command name, e.g. <c>GET</c>.</param>
    /// <param name="args">Its arguments; binary arguments are sent without copying first.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the command may still run).</param>
    /// <returns>The reply.</returns>
    ValueTask<RespValue> ExecuteAsync(string command, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a Lua script with <c>EVALSHA</c>, and with <c>EVAL</c> (which also caches it) when the server answers
    /// <c>NOSCRIPT</c>.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="keys">The script's <c>KEYS</c>.</param>
    /// <param name="args">The script's <c>ARGV</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the script may still run).</param>
    /// <returns>The script's reply.</returns>
    ValueTask<RespValue> EvalAsync(RedisScript script, ReadOnlyMemory<RedisArg> keys, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken);
}
