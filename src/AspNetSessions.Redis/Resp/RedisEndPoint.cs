using System.Globalization;

namespace AspNetSessions.Redis.Resp;

/// <summary>A Redis server address: a host name or IP literal and a TCP port.</summary>
/// <param name="Host">Host name or IP address (IPv6 without brackets).</param>
/// <param name="Port">TCP port.</param>
internal readonly record struct RedisEndPoint(string Host, int Port)
{
    /// <summary>The port Redis listens on unless told otherwise.</summary>
    public const int DefaultPort = 6379;

    /// <summary><c>host:port</c>, with IPv6 addresses in brackets.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
