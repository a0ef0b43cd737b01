namespace AspNetSessions;

/// <summary>Default values of session authentication.</summary>
public static class SessionAuthenticationDefaults
{
    /// <summary>The default authentication scheme, and the default kind's name: <c>Session</c>.</summary>
    public const string AuthenticationScheme = "Session";

    /// <summary>The configuration section <c>AddSessionAuth</c> documents: <c>SessionAuth</c>.</summary>
    public const string ConfigurationSection = "SessionAuth";

    /// <summary>The default token prefix: <c>sess</c> (tokens look like <c>sess_…</c>).</summary>
    public const string TokenPrefix = "sess";

    /// <summary>The default cookie name. The <c>__Host-</c> prefix makes browsers insist on Secure, Path=/ and no Domain.</summary>
    public const string CookieName = "__Host-session";

    /// <summary>The default <c>MaxSessionsPerUser</c> of every kind: 100 (<c>0</c> is no limit).</summary>
    public const int MaxSessionsPerUser = 100;
}
