namespace AspNetSessions;

/// <summary>Claim types that session authentication adds to every principal it creates.</summary>
public static class SessionClaimTypes
{
    /// <summary>The id of the session that authenticated the request.</summary>
    public const string SessionId = "session_id";

    /// <summary>The kind of the session that authenticated the request.</summary>
    public const string Kind = "session_kind";

    /// <summary>
    /// When the user last proved who they are, in Unix seconds (OpenID Connect's <c>auth_time</c>): added to every principal
    /// a session authenticates, from <see cref="Session.AuthenticatedAt"/>. An <c>auth_time</c> claim of a signing-in principal
    /// becomes the session's authentication time instead of a stored claim.
    /// </summary>
    public const string AuthenticationTime = "auth_time";
}
