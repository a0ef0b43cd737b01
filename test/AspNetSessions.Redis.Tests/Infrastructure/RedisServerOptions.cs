namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>How <see cref="RedisServer"/> starts <c>redis-server</c>.</summary>
public sealed class RedisServerOptions
{
    /// <summary>Sets <c>requirepass</c> (the default user's password); null for an open server.</summary>
    public string? Password { get; init; }

    /// <summary>An extra ACL user with all permissions on all keys; null for none.</summary>
    public string? AclUser { get; init; }

    /// <summary>The password of <see cref="AclUser"/>.</summary>
    public string? AclPassword { get; init; }

    /// <summary>Turns on the append-only file (fsync on every write), so data survives <see cref="RedisServer.RestartAsync"/>.</summary>
    public bool AppendOnly { get; init; }

    /// <summary>
    /// Also listens with TLS on <see cref="RedisServer.TlsPort"/>, with a fresh self-signed certificate for
    /// <c>localhost</c> / <c>127.0.0.1</c> (<see cref="RedisServer.TlsCertificate"/>); clients need not present one.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>
    /// Runs a Sentinel (<c>redis-server sentinel.conf --sentinel</c>) monitoring the primary on this loopback port as
    /// <see cref="RedisSentinel.ServiceName"/> (quorum 1, down after 1 s), instead of a data server; 0 for none.
    /// </summary>
    public int SentinelFor { get; init; }

    /// <summary>
    /// Runs as a Redis Cluster node (<c>cluster-enabled</c>, state in <c>nodes.conf</c>) with its bus on
    /// <see cref="RedisServer.ClusterBusPort"/>.
    /// </summary>
    public bool ClusterNode { get; init; }

    /// <summary>More <c>redis-server</c> arguments, e.g. <c>["--rename-command", "HELLO", ""]</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
