using AspNetSessions;

namespace WebApp;

/// <summary>One API key as <c>GET /api/keys</c> lists it: no token, no digest.</summary>
public sealed record ApiKeyInfo(string Id, string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt)
{
    public static ApiKeyInfo From(Session session) =>
        new(session.Id, session.Name, session.Scopes, session.CreatedAt, session.LastSeenAt, session.ExpiresAt);
}
