namespace AspNetSessions;

/// <summary>Metadata keys filled from the request when a session is created by sign-in.</summary>
public static class SessionMetadataKeys
{
    /// <summary>The <c>User-Agent</c> header of the request that created the session.</summary>
    public const string UserAgent = "userAgent";

    /// <summary>The remote IP address of the request that created the session.</summary>
    public const string IpAddress = "ip";

    /// <summary>
    /// A stable id of the device that created the session: the device cookie (<see cref="SessionRequestMetadata.DeviceCookieName"/>)
    /// when the request has one, or an id the app sets (a mobile app's install id). With the user-agent family it tells
    /// a known device from a new one (<see cref="SessionCreatedContext.IsNewDevice"/>).
    /// </summary>
    public const string DeviceId = "deviceId";
}
