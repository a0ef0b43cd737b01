namespace AspNetSessions;

/// <summary>Where the handler looks for a token.</summary>
public enum SessionTokenSource
{
    /// <summary>The <c>Authorization: Bearer &lt;token&gt;</c> request header (RFC 6750 §2.1).</summary>
    Bearer = 0,

    /// <summary>The session cookie (<see cref="SessionAuthenticationOptions.Cookie"/>).</summary>
    Cookie = 1,
}
