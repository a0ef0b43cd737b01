using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// A revocation is acknowledged only once replicas hold it, so that no failover brings a revoked session back
/// (Redis replicates asynchronously: a primary lost before its replica received a write loses that write).
/// Right behind a revoking write, <c>WAIT numreplicas timeout</c> goes to the same primary. WAIT counts the replicas
/// that acknowledged every write made earlier on the connection it arrives on; StackExchange.Redis sends all
/// commands for one endpoint over one interactive connection, in order, so a WAIT sent to the key's server after
/// the write covers that write (WAIT cannot run inside the script). The write itself is sent with <see cref="CommandFlags.NoRedirect"/>: a
/// <c>MOVED</c>/<c>ASK</c> would have run it on another node than the one the WAIT goes to, so it is an outage
/// (503) instead, and revoking again is harmless.
/// </summary>
/// <remarks>
/// How many replicas: <see cref="RedisSessionStoreOptions.RevocationReplicas"/>, or by default 1 when the primary
/// reports a connected replica (<c>ROLE</c>, asked at most every <see cref="RoleRefresh"/> per primary) and 0
/// otherwise. Fewer acknowledgements within <see cref="RedisSessionStoreOptions.RevocationReplicaTimeout"/>:
/// the revocation stays applied on the primary and the caller gets <see cref="SessionStoreUnavailableException"/>
/// (503 with Retry-After), never a success that a failover could undo.
/// </remarks>
internal sealed class RedisReplicaAcknowledgement(RedisConnection connection, TimeProvider time)
{
    /// <summary>How long a primary's replica count (for the default) is trusted before it is asked again.</summary>
    public static readonly TimeSpan RoleRefresh = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (int Replicas, long At)> _roles = new(StringComparer.Ordinal);

    /// <summary>The flags of a revoking write: on the primary, never redirected elsewhere (see the class remarks).</summary>
    public const CommandFlags WriteFlags = CommandFlags.DemandMaster | CommandFlags.NoRedirect;

    /// <summary>
    /// Runs a revoking <paramref name="write"/> on <paramref name="key"/>'s primary with the WAIT sent right behind it,
    /// before its reply is read: both go to the same server, so over the same connection, in order, and if that
    /// connection drops between them the WAIT fails with it (never runs on a new connection that wrote nothing).
    /// Returns the write's reply once the replicas hold it, or throws <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    public async Task<RedisResult> RunAsync(RedisKey key, Func<CommandFlags, Task<RedisResult>> write, CancellationToken cancellationToken)
    {
        var (server, required) = await TargetAsync(key, cancellationToken).ConfigureAwait(false);
        var written = write(WriteFlags);
        if (required == 0)
        {
            return await written.WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }

        var waited = Wait(server, required);
        RedisResult reply;
        try
        {
            reply = await written.WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The write failed (NOSCRIPT, an outage): its WAIT's answer no longer matters.
            _ = waited.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        await CheckAsync(server, required, waited, cancellationToken).ConfigureAwait(false);
        return reply;
    }

    /// <summary>
    /// After a write that turned out to revoke (an eviction) has answered: returns once the replicas hold every write
    /// made so far on the connection to <paramref name="key"/>'s primary, or throws <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    public async Task ConfirmAsync(RedisKey key, CancellationToken cancellationToken)
    {
        var (server, required) = await TargetAsync(key, cancellationToken).ConfigureAwait(false);
        if (required > 0)
        {
            await CheckAsync(server, required, Wait(server, required), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(IServer Server, int Required)> TargetAsync(RedisKey key, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        IServer server;
        try
        {
            server = multiplexer.GetServer(key, flags: CommandFlags.DemandMaster);
        }
        catch (InvalidOperationException e)
        {
            // No connected primary owns the key right now (a failover under way).
            throw new SessionStoreUnavailableException("No connected Redis primary owns the session's key; the revocation was not made.", e);
        }

        return (server, connection.RevocationReplicas ?? await DefaultReplicasAsync(server, cancellationToken).ConfigureAwait(false));
    }

    private Task<RedisResult> Wait(IServer server, int required) =>
        server.ExecuteAsync(null, "WAIT", [required, (long)Math.Ceiling(connection.RevocationReplicaTimeout.TotalMilliseconds)], CommandFlags.DemandMaster);

    private async Task CheckAsync(IServer server, int required, Task<RedisResult> waited, CancellationToken cancellationToken)
    {
        var timeout = connection.RevocationReplicaTimeout;
        var reply = await waited.WaitAsync(connection.CommandTimeout + timeout, cancellationToken).ConfigureAwait(false);
        var acknowledged = reply.Resp2Type == ResultType.Integer ? (long)reply : -1;
        if (acknowledged < required)
        {
            throw new SessionStoreUnavailableException(
                $"The revocation is applied on the Redis primary {server.EndPoint}, but {Math.Max(acknowledged, 0)} of {required} replica(s) confirmed it within {timeout}; revoking again is harmless.");
        }
    }

    private async Task<int> DefaultReplicasAsync(IServer server, CancellationToken cancellationToken)
    {
        var name = server.EndPoint.ToString() ?? string.Empty;
        var now = time.GetTimestamp();
        if (_roles.TryGetValue(name, out var known) && time.GetElapsedTime(known.At, now) < RoleRefresh)
        {
            return known.Replicas;
        }

        var role = await server.RoleAsync().WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var replicas = role is Role.Master { Replicas.Count: > 0 } ? 1 : 0;
        _roles[name] = (replicas, now);
        return replicas;
    }
}
