namespace AspNetSessions;

/// <summary>The context of <see cref="SessionAuthenticationEvents.OnSessionCreated"/>. It never carries the token.</summary>
/// <param name="manager">The manager of the session's kind.</param>
/// <param name="session">The new session.</param>
public sealed class SessionCreatedContext(ISessionManager manager, Session session)
{
    /// <summary>The manager of the session's kind.</summary>
    public ISessionManager Manager { get; } = manager;

    /// <summary>The new session.</summary>
    public Session Session { get; } = session;

    /// <summary>
    /// Whether the session comes from a device none of the user's stored sessions of this kind came from (compared by
    /// a fingerprint of the user-agent family and <see cref="SessionMetadataKeys.DeviceId"/>; never the IP address):
    /// the moment to tell the user "a new sign-in". <see langword="false"/> when the session's metadata names no device.
    /// </summary>
    public bool IsNewDevice { get; init; }

    /// <summary>The device as its user agent describes it, e.g. <c>Chrome on Windows</c>; <see langword="null"/> when no user agent was recorded.</summary>
    public string? Device { get; init; }

    /// <summary>
    /// The coarse location an <see cref="ISessionLocationResolver"/> in the app's services gave for the session's IP
    /// address; <see langword="null"/> without one, without an address, or when it did not know.
    /// </summary>
    public string? Location { get; init; }
}
