using AspNetSessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WebApp;

/// <summary>The answer of <c>POST /api/login</c> and <c>POST /api/keys</c>: the token, shown once.</summary>
public sealed record LoginResponse(string Token, LoginResponse.SessionSummary Session)
{
    public static LoginResponse From(CreatedSession created) =>
        new(created.Token, new SessionSummary(created.Session.Id, created.Session.ExpiresAt));

    /// <summary>The 200 with the token, marked so that no cache (browser, proxy, CDN) keeps it, as the sign-in responses are.</summary>
    public static Ok<LoginResponse> Send(HttpResponse response, CreatedSession created)
    {
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
        return TypedResults.Ok(From(created));
    }

    public sealed record SessionSummary(string Id, DateTimeOffset ExpiresAt);
}
