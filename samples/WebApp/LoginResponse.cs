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

    /// <summary>
    /// The answer after the caller's token was rotated: a bearer caller gets the new token in the body (200, as at sign-in);
    /// a cookie caller already has it in the new cookie, so <see langword="null"/> (answer 204: a page's script never sees a
    /// cookie's token).
    /// </summary>
    public static Ok<LoginResponse>? Rotated(HttpContext context, CreatedSession rotated) =>
        context.Request.Headers.Authorization.Count > 0 ? Send(context.Response, rotated) : null;

    public sealed record SessionSummary(string Id, DateTimeOffset ExpiresAt);
}
