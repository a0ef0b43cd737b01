using Microsoft.Extensions.Logging;

namespace AspNetSessions;

/// <summary>
/// The log messages of <see cref="SessionAuthenticationHandler"/> (event ids 1201-1205), written with the handler's logger
/// (its category), as ASP.NET Core's handlers keep theirs in a LoggingExtensions class.
/// </summary>
internal static partial class SessionHandlerLog
{
    /// <summary>A rejected token by its reason: a cross-site refusal and an unreachable store have their own events.</summary>
    public static void Rejected(ILogger logger, string scheme, SessionFailureReason reason)
    {
        switch (reason)
        {
            case SessionFailureReason.CrossSiteRequest:
                CrossSiteRequestRefused(logger, scheme);
                break;
            case SessionFailureReason.StoreUnavailable:
                StoreUnavailable(logger, scheme);
                break;
            default:
                TokenRejected(logger, scheme, SessionFailureReasons.LogText(reason));
                break;
        }
    }

    [LoggerMessage(EventId = 1201, EventName = "TokenRejected", Level = LogLevel.Debug,
        Message = "Session scheme {Scheme} rejected a token: {Reason}.")]
    public static partial void TokenRejected(ILogger logger, string scheme, string reason);

    [LoggerMessage(EventId = 1202, EventName = "CrossSiteRequestRefused", Level = LogLevel.Debug,
        Message = "Session scheme {Scheme} refused a cookie-authenticated unsafe request from another site.")]
    public static partial void CrossSiteRequestRefused(ILogger logger, string scheme);

    [LoggerMessage(EventId = 1203, EventName = "StoreUnavailable", Level = LogLevel.Debug,
        Message = "Session scheme {Scheme} could not reach the session store; the request is not authenticated.")]
    public static partial void StoreUnavailable(ILogger logger, string scheme);

    [LoggerMessage(EventId = 1204, EventName = "SignedIn", Level = LogLevel.Information,
        Message = "User {UserId} signed in with session scheme {Scheme} (session {SessionId}).")]
    public static partial void SignedIn(ILogger logger, string scheme, string sessionId, string userId);

    [LoggerMessage(EventId = 1205, EventName = "SignedOut", Level = LogLevel.Information,
        Message = "Signed out of session scheme {Scheme} (session {SessionId} revoked).")]
    public static partial void SignedOut(ILogger logger, string scheme, string sessionId);
}
