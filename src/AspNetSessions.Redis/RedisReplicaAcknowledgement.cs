using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// A revocation is acknowledged only once replicas hold it, so that no failover brings a revoked session back
/// (Redis replicates asynchronously: a primary lost before its replica received a write loses that write).
/// After a revoking write, <c>WAIT numreplicas timeout</c> goes to the same primary. WAIT counts the replicas that
/// acknowledged every write made earlier on the connection it arrives on; StackExchange.Redis sends all
/// commands for one endpoint over one interactive connection, in order, so a WAIT sent to the key's server after
/// the write's reply covers that write. The write itself is sent with <see cref="CommandFlags.NoRedirect"/>: a
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
    /// Returns once the replicas hold every write made so far on the connections to the primaries of
    /// <paramref name="keys"/> (one WAIT per primary), or throws <see cref="SessionStoreUnavailableException"/>.
    /// Call it after the revoking writes have answered.
    /// </summary>
    public async Task ConfirmAsync(IReadOnlyCollection<RedisKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var multiplexer = await connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        var servers = keys.Select(k => multiplexer.GetServer(k, flags: CommandFlags.DemandMaster)).DistinctBy(s => s.EndPoint);
        await Task.WhenAll(servers.Select(s => ConfirmAsync(s, cancellationToken))).ConfigureAwait(false);
    }

    private async Task ConfirmAsync(IServer server, CancellationToken cancellationToken)
    {
        var required = connection.RevocationReplicas ?? await DefaultReplicasAsync(server, cancellationToken).ConfigureAwait(false);
        if (required == 0)
        {
            return;
        }

        var timeout = connection.RevocationReplicaTimeout;
        var reply = await server.ExecuteAsync(null, "WAIT", [required, (long)Math.Ceiling(timeout.TotalMilliseconds)], CommandFlags.DemandMaster)
            .WaitAsync(connection.CommandTimeout + timeout, cancellationToken).ConfigureAwait(false);
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
