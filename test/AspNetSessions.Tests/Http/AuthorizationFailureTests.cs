using System.Net;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// A failed session requirement becomes its answer through one mechanism, the session scheme's forbid: a stale
/// authentication is a step-up challenge (also under an app's own result handler), but only when freshness is all that
/// failed; the claims a session provides cannot be posed by its stored claims. On a minimal host of its own.
/// </summary>
public sealed class AuthorizationFailureTests
{
    [Fact]
    public async Task A_stale_session_gets_the_step_up_challenge_under_an_apps_own_result_handler()
    {
        await using var host = await StartAsync(s => s.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingResultHandler>());
        var token = await SignInAsync(host);
        using var client = host.Client(token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/sensitive", null)).StatusCode);

        host.Time.Advance(TimeSpan.FromMinutes(6));
        using var stale = await client.PostAsync("/sensitive", null);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent authentication is required\", max_age=300",
            Assert.Single(stale.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact]
    public async Task A_stale_session_that_also_misses_another_requirement_is_forbidden_without_a_challenge()
    {
        await using var host = await StartAsync();
        var token = await SignInAsync(host);
        using var client = host.Client(token);
        host.Time.Advance(TimeSpan.FromMinutes(6));

        using var admin = await client.PostAsync("/admin", null);

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.False(admin.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_stored_claim_cannot_pose_as_a_claim_the_session_provides()
    {
        await using var host = await StartAsync();
        var created = await host.Sessions.CreateAsync(new SessionCreateRequest
        {
            UserId = "alice",
            Claims = [new(SessionClaimTypes.SessionId, "someone-else"), new(SessionClaimTypes.Kind, "ApiKey"), new("role", "reader")],
        });
        using var client = host.Client(created.Token);

        var claims = await client.GetStringAsync("/claims");

        Assert.Equal($"session_id={created.Session.Id};session_kind=Session;role=reader", claims);
    }

    private static Task<TestHost> StartAsync(Action<IServiceCollection>? services = null) => TestHost.StartAsync(app =>
    {
        app.MapPost("/sensitive", () => Results.NoContent()).RequireAuthorization(p => p.RequireRecentAuthentication(TimeSpan.FromMinutes(5)));
        app.MapPost("/admin", () => Results.NoContent()).RequireAuthorization(p => p.RequireRecentAuthentication(TimeSpan.FromMinutes(5)).RequireRole("admin"));
        app.MapGet("/claims", (ClaimsPrincipal user) => string.Join(';', user.Claims
            .Where(c => c.Type is SessionClaimTypes.SessionId or SessionClaimTypes.Kind or "role")
            .Select(c => $"{c.Type}={c.Value}"))).RequireAuthorization();
    }, services: services);

    private static async Task<string> SignInAsync(TestHost host) =>
        (await host.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" })).Token;

    /// <summary>An app's own result handler (here: one that audits, then does what ASP.NET Core does).</summary>
    private sealed class AuditingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
            _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
