using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>What each <see cref="SessionFailureReason"/> means to the outside: its failed result, metric tag, log text and challenge.</summary>
internal static class SessionFailureReasons
{
    private const string InvalidTokenChallenge = "Bearer error=\"invalid_token\", error_description=\"The access token is invalid, revoked or expired\"";

    private static readonly AuthenticateResult[] Results = [.. Enum.GetValues<SessionFailureReason>().Select(r => Fail(r, Message(r)))];

    /// <summary>The pre-built failed result of a reason (no allocation per request).</summary>
    public static AuthenticateResult Result(SessionFailureReason reason) => Results[(int)reason];

    /// <summary>A failed result with an event handler's own message.</summary>
    public static AuthenticateResult Result(SessionFailureReason reason, string message) => Fail(reason, message);

    /// <summary>The reason a failed result carries, if it came from a session scheme.</summary>
    public static SessionFailureReason? Of(AuthenticateResult result) => (result.Failure as SessionAuthenticationFailure)?.Reason;

    /// <summary>The <c>aspnetsessions.reason</c> tag of the rejection metric.</summary>
    public static string MetricTag(SessionFailureReason reason) => reason switch
    {
        SessionFailureReason.MalformedToken => "malformed",
        SessionFailureReason.InvalidToken => "invalid",
        SessionFailureReason.InvalidRequest => "invalid_request",
        SessionFailureReason.CrossSiteRequest => "cross_site",
        SessionFailureReason.StoreUnavailable => "store_unavailable",
        SessionFailureReason.RejectedByEvent => "event",
        SessionFailureReason.DeviceCredentialExpired => "device_credential_expired",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>The reason as the rejection log message says it (never the token).</summary>
    public static string LogText(SessionFailureReason reason) => reason switch
    {
        SessionFailureReason.MalformedToken => "malformed",
        SessionFailureReason.InvalidToken => "unknown, revoked or expired",
        SessionFailureReason.InvalidRequest => "ambiguous or empty Authorization header",
        SessionFailureReason.CrossSiteRequest => "cookie-authenticated unsafe request from another site",
        SessionFailureReason.StoreUnavailable => "session store unavailable",
        SessionFailureReason.RejectedByEvent => "rejected by OnValidateSession",
        SessionFailureReason.DeviceCredentialExpired => "device-bound credential expired (a stolen cookie, or a refresh the browser has not made)",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>
    /// The challenge's status and <c>WWW-Authenticate</c> value (RFC 6750 §3) for a reason, or for no failure at all
    /// (<see langword="null"/>: no credentials were presented).
    /// </summary>
    public static (int Status, string? WwwAuthenticate) Challenge(SessionFailureReason? reason) => reason switch
    {
        SessionFailureReason.StoreUnavailable => (StatusCodes.Status503ServiceUnavailable, null),
        SessionFailureReason.CrossSiteRequest => (StatusCodes.Status403Forbidden, null),
        SessionFailureReason.MalformedToken or SessionFailureReason.InvalidToken or SessionFailureReason.RejectedByEvent or SessionFailureReason.DeviceCredentialExpired =>
            (StatusCodes.Status401Unauthorized, InvalidTokenChallenge),
        SessionFailureReason.InvalidRequest => (StatusCodes.Status401Unauthorized, "Bearer error=\"invalid_request\""),
        _ => (StatusCodes.Status401Unauthorized, "Bearer"),
    };

    private static string Message(SessionFailureReason reason) => reason switch
    {
        SessionFailureReason.MalformedToken => "The token is malformed.",
        SessionFailureReason.InvalidToken => "The token is unknown, revoked or expired.",
        SessionFailureReason.InvalidRequest => "The Authorization header is ambiguous or empty.",
        SessionFailureReason.CrossSiteRequest => "A cookie-authenticated unsafe request came from another site.",
        SessionFailureReason.StoreUnavailable => "The session store is unavailable.",
        SessionFailureReason.RejectedByEvent => "The session was rejected.",
        SessionFailureReason.DeviceCredentialExpired => "The device-bound credential expired.",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    private static AuthenticateResult Fail(SessionFailureReason reason, string message) =>
        AuthenticateResult.Fail(new SessionAuthenticationFailure(reason, message));
}
