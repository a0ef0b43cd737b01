using System.Globalization;
using System.Net.Security;
using System.Text;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// Connection settings, parsed from a StackExchange.Redis-style string such as
/// <c>127.0.0.1:6379,password=secret,ssl=false,defaultDatabase=0,connectTimeout=5000</c>.
/// Keys are case-insensitive; an unknown key or a bad value throws <see cref="ArgumentException"/> naming the key.
/// The password never appears in <see cref="ToString"/> or in any exception message.
/// </summary>
internal sealed record RedisConfiguration
{
    /// <summary>The keys <see cref="Parse"/> accepts, in the order they are documented.</summary>
    public static readonly IReadOnlyList<string> SupportedKeys =
    [
        "password", "user", "ssl", "sslHost", "defaultDatabase", "connectTimeout", "syncTimeout", "asyncTimeout",
        "name", "abortConnect", "keepAlive", "connectRetry",
    ];

    private TimeSpan? _asyncTimeout;

    /// <summary>The servers listed; only the first is used (one server per connection).</summary>
    public IReadOnlyList<RedisEndPoint> EndPoints { get; init; } = [];

    /// <summary>The server connected to: the first of <see cref="EndPoints"/>.</summary>
    public RedisEndPoint EndPoint => EndPoints.Count > 0 ? EndPoints[0] : throw new InvalidOperationException("No Redis endpoint is configured.");

    /// <summary>The ACL user name (<c>user=</c>); null for the default user.</summary>
    public string? User { get; init; }

    /// <summary>The password (<c>password=</c>); null when the server needs none.</summary>
    public string? Password { get; init; }

    /// <summary>Whether to use TLS (<c>ssl=</c>, default false).</summary>
    public bool Ssl { get; init; }

    /// <summary>The TLS host name for SNI and certificate validation (<c>sslHost=</c>); defaults to the endpoint host.</summary>
    public string? SslHost { get; init; }

    /// <summary>The database selected after connecting (<c>defaultDatabase=</c>, default 0).</summary>
    public int DefaultDatabase { get; init; }

    /// <summary>How long one connection attempt may take, TCP + TLS + handshake (<c>connectTimeout=</c> ms, default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The command timeout (<c>syncTimeout=</c> ms, default 5 s); used when no <see cref="AsyncTimeout"/> is given.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command may wait for its reply (<c>asyncTimeout=</c> ms; defaults to <see cref="SyncTimeout"/>).
    /// Every command of this client is asynchronous, so this is the timeout that applies.
    /// </summary>
    public TimeSpan AsyncTimeout
    {
        get => _asyncTimeout ?? SyncTimeout;
        init => _asyncTimeout = value;
    }

    /// <summary>The client name set with <c>CLIENT SETNAME</c> (<c>name=</c>); null for none.</summary>
    public string? ClientName { get; init; }

    /// <summary>
    /// Accepted for compatibility (<c>abortConnect=</c>, default false). This client always connects lazily, so an
    /// application never fails to start because Redis is down, whatever the value.
    /// </summary>
    public bool AbortConnect { get; init; }

    /// <summary>Idle time after which a <c>PING</c> checks the connection (<c>keepAlive=</c> seconds, default 60; 0 turns it off).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many times a first connection attempt that fails quickly (e.g. refused) is retried within
    /// <see cref="ConnectTimeout"/> (<c>connectRetry=</c>, default 3).
    /// </summary>
    public int ConnectRetry { get; init; } = 3;

    /// <summary>
    /// Optional server certificate validation for TLS (code only, not part of the string); null uses the system's
    /// trust store and host name check.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>Parses a configuration string.</summary>
    /// <param name="configuration">The string, e.g. <c>localhost:6379,password=secret</c>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">The string is empty, names an unknown key, or has a bad value.</exception>
    public static RedisConfiguration Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endPoints = new List<RedisEndPoint>();
        List<string>? unknown = null;
        var result = new RedisConfiguration();
        var tokens = configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                endPoints.Add(ParseEndPoint(token, endPoints.Count + 1));
                continue;
            }

            var key = token[..equals].Trim();
            var value = token[(equals + 1)..].Trim();
            switch (key.ToUpperInvariant())
            {
                case "PASSWORD":
                    result = result with { Password = value.Length == 0 ? null : value };
                    break;
                case "USER":
                    result = result with { User = value.Length == 0 ? null : value };
                    break;
                case "SSL":
                    result = result with { Ssl = ParseBool("ssl", value) };
                    break;
                case "SSLHOST":
                    result = result with { SslHost = value.Length == 0 ? null : value };
                    break;
                case "DEFAULTDATABASE":
                    result = result with { DefaultDatabase = ParseInt("defaultDatabase", value, 0, "a database number of 0 or more") };
                    break;
                case "CONNECTTIMEOUT":
                    result = result with { ConnectTimeout = ParseMilliseconds("connectTimeout", value) };
                    break;
                case "SYNCTIMEOUT":
                    result = result with { SyncTimeout = ParseMilliseconds("syncTimeout", value) };
                    break;
                case "ASYNCTIMEOUT":
                    result = result with { AsyncTimeout = ParseMilliseconds("asyncTimeout", value) };
                    break;
                case "NAME":
                    result = result with { ClientName = ParseClientName(value) };
                    break;
                case "ABORTCONNECT":
                    result = result with { AbortConnect = ParseBool("abortConnect", value) };
                    break;
                case "KEEPALIVE":
                    result = result with { KeepAlive = TimeSpan.FromSeconds(ParseInt("keepAlive", value, 0, "a number of seconds, 0 or more")) };
                    break;
                case "CONNECTRETRY":
                    result = result with { ConnectRetry = ParseInt("connectRetry", value, 0, "a count of 0 or more") };
                    break;
                default:
                    (unknown ??= []).Add(key);
                    break;
            }
        }

        if (unknown is not null)
        {
            throw new ArgumentException(
                $"Unknown Redis configuration option{(unknown.Count > 1 ? "s" : string.Empty)}: {string.Join(", ", unknown.Select(k => $"'{k}'"))}. " +
                $"Supported options: {string.Join(", ", SupportedKeys)}.",
                nameof(configuration));
        }

        if (endPoints.Count == 0)
        {
            throw new ArgumentException("The Redis configuration names no endpoint (expected e.g. 'localhost:6379').", nameof(configuration));
        }

        return result with { EndPoints = endPoints };
    }

    /// <summary>The configuration as a string in the same syntax, with the password masked.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var endPoint in EndPoints)
        {
            builder.Append(builder.Length == 0 ? string.Empty : ",").Append(endPoint.ToString());
        }

        var culture = CultureInfo.InvariantCulture;
        if (User is not null)
        {
            builder.Append(",user=").Append(User);
        }

        if (Password is not null)
        {
            builder.Append(",password=*****");
        }

        builder.Append(culture, $",ssl={(Ssl ? "true" : "false")}");
        if (SslHost is not null)
        {
            builder.Append(",sslHost=").Append(SslHost);
        }

        builder.Append(culture, $",defaultDatabase={DefaultDatabase}")
            .Append(culture, $",connectTimeout={(long)ConnectTimeout.TotalMilliseconds}")
            .Append(culture, $",syncTimeout={(long)SyncTimeout.TotalMilliseconds}")
            .Append(culture, $",asyncTimeout={(long)AsyncTimeout.TotalMilliseconds}");
        if (ClientName is not null)
        {
            builder.Append(",name=").Append(ClientName);
        }

        builder.Append(culture, $",abortConnect={(AbortConnect ? "true" : "false")}")
            .Append(culture, $",keepAlive={(long)KeepAlive.TotalSeconds}")
            .Append(culture, $",connectRetry={ConnectRetry}");
        return builder.ToString();
    }

    private static RedisEndPoint ParseEndPoint(string token, int position)
    {
        // Values are not echoed: a password containing ',' would otherwise leak its tail through this message.
        string host;
        var port = RedisEndPoint.DefaultPort;
        string? portText = null;
        if (token.StartsWith('['))
        {
            var close = token.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < token.Length && token[close + 1] != ':'))
            {
                throw new ArgumentException($"Invalid Redis endpoint #{position}: expected '[ipv6]' or '[ipv6]:port'.", "configuration");
            }

            host = token[1..close];
            portText = close + 1 < token.Length ? token[(close + 2)..] : null;
        }
        else
        {
            var colon = token.LastIndexOf(':');
            if (colon >= 0 && token.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = token[..colon];
                portText = token[(colon + 1)..];
            }
            else
            {
                // No colon, or several: a host name or a bare IPv6 address on the default port.
                host = token;
            }
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Invalid Redis endpoint #{position}: the host is empty or contains spaces.", "configuration");
        }

        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ArgumentException($"Invalid Redis endpoint #{position}: the port must be a number from 1 to 65535.", "configuration");
        }

        return new RedisEndPoint(host, port);
    }

    private static bool ParseBool(string key, string value) => value.ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new ArgumentException($"Invalid value for Redis configuration option '{key}': expected 'true' or 'false'.", "configuration"),
    };

    private static int ParseInt(string key, string value, int min, string expected) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result) && result >= min
            ? result
            : throw new ArgumentException($"Invalid value for Redis configuration option '{key}': expected {expected}.", "configuration");

    private static TimeSpan ParseMilliseconds(string key, string value) =>
        TimeSpan.FromMilliseconds(ParseInt(key, value, 1, "a positive number of milliseconds"));

    private static string? ParseClientName(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or > '~')
            {
                throw new ArgumentException("Invalid value for Redis configuration option 'name': spaces and non-ASCII characters are not allowed.", "configuration");
            }
        }

        return value;
    }
}
