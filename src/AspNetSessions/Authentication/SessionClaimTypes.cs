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
    /// <summary>One claim per scope the session is limited to (the <c>scope</c> of RFC 8693, one value per claim).</summary>
    public const string Scope = "scope";

    /// <summary>Present (value <c>true</c>) when the session is limited to its <see cref="Scope"/> claims; see <see cref="SessionScopes"/>.</summary>
    public const string Scoped = "session_scoped";

    /// <summary>
    /// Present (value <c>DeviceBound</c>) when the session is bound to a device key (<see cref="Session.Binding"/>, DBSC);
    /// <c>RequireDeviceBoundSession()</c> checks it.
    /// </summary>
    public const string Binding = "session_binding";

    /// <summary>
    /// Whether a claim type is one the session itself provides: never stored from a signing-in principal and never taken
    /// from a session's stored claims, so a stored claim can never fake or widen them.
    /// </summary>
    internal static bool IsSessionProvided(string type) => type is SessionId or Kind or AuthenticationTime or Scope or Scoped or Binding;
}
