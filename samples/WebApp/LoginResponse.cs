using AspNetSessions;

namespace WebApp;

/// <summary>The answer of <c>POST /api/login</c> and <c>POST /api/keys</c>: the token, shown once.</summary>
public sealed record LoginResponse(string Token, LoginResponse.SessionSummary Session)
{
    public static LoginResponse From(CreatedSession created) =>
        new(created.Token, new SessionSummary(created.Session.Id, created.Session.ExpiresAt));

    public sealed record SessionSummary(string Id, DateTimeOffset ExpiresAt);
}
