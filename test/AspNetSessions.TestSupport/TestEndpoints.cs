using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AspNetSessions.TestSupport;

/// <summary>
/// The small endpoints and the second kind several minimal hosts (<see cref="TestHost"/>) share, each one library call
/// behind a route: a test maps only those it calls.
/// </summary>
public static class TestEndpoints
{
    /// <summary>The scheme of the second kind <see cref="AddApiKeys"/> adds.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>Both kinds, for an endpoint that accepts either.</summary>
    public const string BothSchemes = SessionAuthenticationDefaults.AuthenticationScheme + "," + ApiKeyScheme;

    /// <summary>A second kind, API keys: <c>key_</c> tokens read from the Authorization header only, no idle expiry, 90 days at most.</summary>
    public static SessionAuthBuilder AddApiKeys(this SessionAuthBuilder auth) => auth.AddKind(ApiKeyScheme, o =>
    {
        o.TokenPrefix = "key";
        o.TokenSources = [SessionTokenSource.Bearer];
        o.IdleTimeout = null;
        o.AbsoluteTimeout = TimeSpan.FromDays(90);
    });

    /// <summary><c>GET /me</c> → <c>{"userId", "sessionId", "kind"}</c> of the caller, authenticated by one of <paramref name="schemes"/>.</summary>
    public static RouteHandlerBuilder MapMe(this IEndpointRouteBuilder app, string schemes = SessionAuthenticationDefaults.AuthenticationScheme) =>
        app.MapGet("/me", (ClaimsPrincipal user) => new
        {
            userId = user.FindFirstValue(ClaimTypes.NameIdentifier),
            sessionId = user.FindFirstValue(SessionClaimTypes.SessionId),
            kind = user.FindFirstValue(SessionClaimTypes.Kind),
        }).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = schemes });

    /// <summary>
    /// A browser's form: <c>POST /login</c> (field <c>username</c>) signs in with <c>SignInAsync</c> (persistent) and
    /// <c>POST /signout</c> signs out with <c>SignOutAsync</c>, each answering 302 to <c>/</c>; no check of a password.
    /// </summary>
    public static void MapFormSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, form["username"].ToString())], "password"));
            await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = true });
            return Results.Redirect("/");
        });
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/");
        });
    }

    /// <summary><c>POST /logout</c>: an API client's sign-out, 204 after <c>SignOutAsync</c>; needs a session.</summary>
    public static RouteHandlerBuilder MapLogout(this IEndpointRouteBuilder app) =>
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        }).RequireAuthorization();

    /// <summary>
    /// A privilege change and a step-up, as an app writes them: <c>POST /privilege</c> revokes the user's other sessions
    /// and rotates the caller's token; <c>POST /reauthenticate</c> marks the session freshly authenticated
    /// (<see cref="ISessionManager.ReauthenticateAsync"/>) and rotates it; <c>POST /sensitive</c> needs an authentication
    /// within <paramref name="maxAge"/>. A bearer caller gets the new token as <c>{"token", "session": {"id"}}</c>, a
    /// cookie caller 204 and the new cookie. Browser sessions only (an API key gets 401).
    /// </summary>
    public static void MapStepUp(this IEndpointRouteBuilder app, TimeSpan maxAge)
    {
        var browser = new AuthorizeAttribute { AuthenticationSchemes = SessionAuthenticationDefaults.AuthenticationScheme };
        app.MapPost("/privilege", async (HttpContext context, ISessionManager sessions) =>
        {
            await sessions.RevokeAllAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, context.User.FindFirstValue(SessionClaimTypes.SessionId), CancellationToken.None);
            return await RotatedAsync(context);
        }).RequireAuthorization(browser);
        app.MapPost("/reauthenticate", async (HttpContext context, ISessionManager sessions) =>
            await sessions.ReauthenticateAsync(context.User.FindFirstValue(SessionClaimTypes.SessionId)!, CancellationToken.None) is null
                ? Results.Unauthorized()
                : await RotatedAsync(context)).RequireAuthorization(browser);
        app.MapPost("/sensitive", () => Results.NoContent()).RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(SessionAuthenticationDefaults.AuthenticationScheme)
            .RequireRecentAuthentication(maxAge));
    }

    private static async Task<IResult> RotatedAsync(HttpContext context) => await context.RotateSessionAsync() switch
    {
        null => Results.Unauthorized(),
        { } rotated when context.Request.Headers.Authorization.Count > 0 => Results.Ok(new { token = rotated.Token, session = new { id = rotated.Session.Id } }),
        _ => Results.NoContent(),
    };
}
