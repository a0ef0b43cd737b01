namespace AspNetSessions;

/// <summary>Claim types that session authentication adds to every principal it creates.</summary>
public static class SessionClaimTypes
{
    /// <summary>The id of the session that authenticated the request.</summary>
    public const string SessionId = "session_id";

    /// <summary>The kind of the session that authenticated the request.</summary>
    public const string Kind = "session_kind";
}
