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
}
