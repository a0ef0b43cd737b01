namespace AspNetSessions;

/// <summary>The context of <see cref="SessionAuthenticationEvents.OnSessionRevoked"/>.</summary>
/// <param name="manager">The manager of the sessions' kind.</param>
/// <param name="sessionId">The revoked session, when one was revoked by id.</param>
/// <param name="userId">The user whose sessions were revoked, when all of a user's were.</param>
/// <param name="count">How many sessions were revoked.</param>
public sealed class SessionRevokedContext(ISessionManager manager, string? sessionId, string? userId, long count)
{
    /// <summary>The manager of the sessions' kind.</summary>
    public ISessionManager Manager { get; } = manager;

    /// <summary>The revoked session, when one was revoked by id.</summary>
    public string? SessionId { get; } = sessionId;

    /// <summary>The user whose sessions were revoked, when all of a user's were.</summary>
    public string? UserId { get; } = userId;

    /// <summary>How many sessions were revoked.</summary>
    public long Count { get; } = count;
}
