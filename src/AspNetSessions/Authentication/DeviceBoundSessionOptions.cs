using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Device Bound Session Credentials (DBSC) for a cookie session kind: <c>SessionAuth:DeviceBound</c> (the default kind) or
/// <c>SessionAuth:Kinds:{kind}:DeviceBound</c>. Off by default; see docs/device-bound-sessions.md.
/// </summary>
public sealed class DeviceBoundSessionOptions
{
    /// <summary>The shortest <see cref="CredentialLifetime"/>: browsers limit how often they refresh (Chrome's refresh quota).</summary>
    public static readonly TimeSpan MinCredentialLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Offer DBSC at cookie sign-in and serve the registration and refresh endpoints. Browsers without DBSC keep the
    /// ordinary cookie session. A kind that reads no cookie refuses it at startup. Default off.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// How long a device-bound session's cookie credential authenticates before the browser must refresh it with a proof
    /// signed by the device key; the session keeps its own idle and absolute expiry. At least 5 minutes; default 10.
    /// </summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest <see cref="PreviousCredentialGrace"/>: long enough for requests in flight, short enough to matter.</summary>
    public static readonly TimeSpan MaxPreviousCredentialGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the token a registration or refresh replaced keeps authenticating, for requests the browser sent before it
    /// had the new cookie (page loads racing the registration); never beyond when that token would have stopped anyway,
    /// and a request it authenticates slides nothing. Every other rotation (sign-in, <c>RotateSessionAsync</c>) and a
    /// revocation end the old token at once. 0 to 5 minutes; 0 = none; default 30 seconds.
    /// </summary>
    public TimeSpan PreviousCredentialGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the browser registers its key. Empty (the default): <c>/.well-known/dbsc/{scheme}/registration</c>.</summary>
    public PathString RegistrationPath { get; set; }

    /// <summary>Where the browser refreshes the credential. Empty (the default): <c>/.well-known/dbsc/{scheme}/refresh</c>.</summary>
    public PathString RefreshPath { get; set; }
}
