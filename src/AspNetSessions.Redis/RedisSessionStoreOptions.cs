using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// Options of the Redis session store, bound from <c>SessionAuth:Redis</c>. They follow
/// <c>RedisCacheOptions</c>: the first of <see cref="ConnectionMultiplexerFactory"/>,
/// <see cref="ConfigurationOptions"/> and <see cref="Configuration"/> that is set says how to connect.
/// </summary>
public sealed class RedisSessionStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string: one or more endpoints and options, e.g.
    /// <c>127.0.0.1:6379,password=…,user=…,ssl=true,defaultDatabase=0</c>; for Sentinel, the sentinels and
    /// <c>serviceName=…</c>; for a cluster, any of its nodes. A <c>redis://</c> or <c>rediss://</c> URI
    /// (<c>redis://[user:password@]host[:port][/database]</c>) is read as the same thing. Unknown options are an
    /// error that names them.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The connection options; wins over <see cref="Configuration"/>. The store connects with a clone (with
    /// <c>AbortOnConnectFail=false</c>, a fail-fast backlog and <see cref="CommandTimeout"/>), never changing this one.
    /// </summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Supplies the app's own multiplexer (the one its cache, pub/sub or .NET Aspire already use); wins over the
    /// other two. The store never disposes a multiplexer it did not create.
    /// </summary>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>Prefix of every key, to separate apps and environments sharing a server. No braces. Default <c>aspnetsessions:</c>.</summary>
    public string KeyPrefix { get; set; } = "aspnetsessions:";

    /// <summary>
    /// How long one store call may take before the request is answered 503 (the store is treated as unavailable).
    /// Default 1 s: Redis answers in well under a millisecond, so this is only reached when something is wrong (while disconnected, calls fail at once instead).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many replicas must hold a revocation (sign-out, revoke one/others/all, admin revoke, an eviction by
    /// <c>MaxSessionsPerUser</c>, a token rotation) before it is reported done: Redis <c>WAIT</c> on the key's
    /// primary, so that no failover brings a revoked session back. Null (the default): 1 when the primary reports a
    /// connected replica, 0 when it has none. 0: never wait (a failover can undo a revocation answered 204).
    /// </summary>
    public int? RevocationReplicas { get; set; }

    /// <summary>
    /// How long a revocation waits for <see cref="RevocationReplicas"/> acknowledgements. If they do not come in time,
    /// the revocation stays applied on the primary and the caller gets 503 with Retry-After (revoking again is
    /// harmless). Default 1 s.
    /// </summary>
    public TimeSpan RevocationReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
