using System.Globalization;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// Reads <see cref="RedisSessionStoreOptions.Configuration"/>: a StackExchange.Redis configuration string, or a
/// <c>redis://</c> / <c>rediss://</c> URI (which StackExchange.Redis would read as a host named "redis").
/// </summary>
internal static class RedisConfigurationReader
{
    /// <summary>The configuration-string options people write, for "did you mean" (StackExchange.Redis itself decides what is valid).</summary>
    private static readonly string[] Keywords =
    [
        "abortConnect", "allowAdmin", "asyncTimeout", "channelPrefix", "checkCertificateRevocation", "configChannel", "configCheckSeconds",
        "connectRetry", "connectTimeout", "defaultDatabase", "keepAlive", "name", "password", "protocol", "proxy", "resolveDns",
        "sentinelPassword", "sentinelUser", "serviceName", "setlib", "ssl", "sslHost", "sslProtocols", "syncTimeout", "tiebreaker",
        "user", "version",
    ];

    public const string ExpectedForm = "'host:port[,password=…][,user=…][,ssl=true][,serviceName=…]' or 'redis[s]://[user:password@]host[:port][/database]'";

    /// <exception cref="ArgumentException">The text is not a valid configuration; the message says why.</exception>
    public static ConfigurationOptions Read(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var text = configuration.Trim();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUri(text);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"only redis:// and rediss:// URIs are understood; expected {ExpectedForm}.");
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.Contains('=', StringComparison.Ordinal) && Port(part) is { } port
                && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
            {
                // StackExchange.Redis would keep such an endpoint and report it unreachable forever.
                throw new ArgumentException($"'{part}' has no valid port ('{port}' is not a number from 1 to 65535); expected {ExpectedForm}.");
            }
        }

        try
        {
            return ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } keyword && e.Message.StartsWith("Keyword", StringComparison.Ordinal))
        {
            var hint = Spelling.Nearest(keyword, Keywords) is { } meant ? $" Did you mean '{meant}'?" : string.Empty;
            throw new ArgumentException($"'{keyword}' is not a StackExchange.Redis option.{hint} Expected {ExpectedForm}.", e);
        }
    }

    /// <summary>The port text of an endpoint ("host:port", "[v6]:port"), or null when it names none (a bare IPv6 address has several colons).</summary>
    private static string? Port(string endpoint)
    {
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf("]:", StringComparison.Ordinal);
            return close < 0 ? null : endpoint[(close + 2)..];
        }

        var colon = endpoint.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || endpoint.LastIndexOf(':') != colon ? null : endpoint[(colon + 1)..];
    }

    private static ConfigurationOptions FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"the URI is not valid; expected {ExpectedForm}.");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException($"a Redis URI takes no query or fragment; put options in the configuration string form {ExpectedForm}.");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        options.EndPoints.Add(host, uri.IsDefaultPort ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (password is null)
            {
                // redis://secret@host: the user-info is the password (the default user), as redis-cli reads it.
                options.Password = user;
            }
            else
            {
                options.User = user.Length == 0 ? null : user;
                options.Password = password;
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                throw new ArgumentException($"the URI's path must be a database number such as '/0'; expected {ExpectedForm}.");
            }

            options.DefaultDatabase = database;
        }

        return options;
    }
}
