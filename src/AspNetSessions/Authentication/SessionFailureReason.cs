namespace AspNetSessions;

/// <summary>
/// The reasons a request is not authenticated by a session scheme. This one list drives the challenge, the metric
/// tag and the log text (<see cref="SessionFailureReasons"/>), so the three can never disagree.
/// </summary>
internal enum SessionFailureReason
{
    /// <summary>Not a token of any session kind: rejected without I/O.</summary>
    MalformedToken,

    /// <summary>Well formed but unknown, revoked, expired, or the secret does not match.</summary>
    InvalidToken,

    /// <summary>More than one <c>Authorization</c> header, or <c>Bearer</c> without a token.</summary>
    InvalidRequest,

    /// <summary>A cookie-authenticated unsafe request from another site.</summary>
    CrossSiteRequest,

    /// <summary>The store could not be reached: nobody is authenticated, the challenge answers 503.</summary>
    StoreUnavailable,

    /// <summary>An <see cref="SessionAuthenticationEvents.OnValidateSession"/> handler rejected the session.</summary>
    RejectedByEvent,

    /// <summary>A device-bound session's cookie credential outlived <c>DeviceBound:CredentialLifetime</c>: only a refresh signed by the device renews it.</summary>
    DeviceCredentialExpired,
}
