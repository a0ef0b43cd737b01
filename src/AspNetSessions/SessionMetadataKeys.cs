namespace AspNetSessions;

/// <summary>Metadata keys filled from the request when a session is created by sign-in.</summary>
public static class SessionMetadataKeys
{
    /// <summary>The <c>User-Agent</c> header of the request that created the session.</summary>
    public const string UserAgent = "userAgent";

    /// <summary>The remote IP address of the request that created the session.</summary>
    public const string IpAddress = "ip";
}
