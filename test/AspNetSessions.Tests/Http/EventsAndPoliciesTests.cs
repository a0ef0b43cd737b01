using System.Net;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>Policies over stored claims, and the handler's events, as an app would use them, on a minimal host.</summary>
public sealed class EventsAndPoliciesTests
{
    [Fact]
    public async Task Claims_stored_with_the_session_drive_policies_and_a_failed_policy_is_403()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await SignInAsync(app, "alice", admin: true);
        var bob = await SignInAsync(app, "bob");

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/admin", alice));
        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(HttpMethod.Get, "/admin", bob));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/admin", null));
    }

    [Fact]
    public async Task OnMessageReceived_can_supply_the_token_from_the_query_string()
    {
        await using var app = await StartAsync(o =>
            o.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/me") && context.Request.Query["access_token"] is { Count: 1 } token)
                {
                    context.Token = token[0];
                }

                return Task.CompletedTask;
            });
        using var client = app.Client();
        var token = await SignInAsync(app, "alice");

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me?access_token=" + token, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me?access_token=sess_nope", null));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", token));
    }

    [Fact]
    public async Task OnValidateSession_can_reject_a_session_or_replace_the_principal()
    {
        await using var app = await StartAsync(o =>
            o.Events.OnValidateSession = context =>
            {
                if (context.Session.UserId == "bob")
                {
                    context.Fail("bob is suspended");
                }
                else
                {
                    var identity = (ClaimsIdentity)context.Principal!.Identity!;
                    identity.AddClaim(new Claim(ClaimTypes.Role, "admin"));
                }

                return Task.CompletedTask;
            });
        using var client = app.Client();
        var alice = await SignInAsync(app, "alice");
        var bob = await SignInAsync(app, "bob");

        using var rejected = await client.SendAsync(HttpMethod.Get, "/me", bob);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Contains(rejected.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/admin", alice)); // the role the event added
    }

    [Fact]
    public async Task SignInAsync_exposes_the_created_session_to_the_app()
    {
        await using var app = await StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("localhost");
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "test"));

        await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal);

        var created = context.Features.Get<ISessionSignInFeature>()!.Created;
        Assert.Equal("alice", created.Session.UserId);
        Assert.Contains(created.Token, context.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<ISessionManager>().AuthenticateAsync(created.Token));
    }

    private static Task<TestHost> StartAsync(Action<SessionAuthenticationOptions>? configure = null) => TestHost.StartAsync(app =>
    {
        app.MapGet("/me", () => Results.Ok()).RequireAuthorization();
        app.MapGet("/admin", () => Results.Ok()).RequireAuthorization(p => p.RequireRole("admin"));
    }, configure);

    private static async Task<string> SignInAsync(TestHost app, string user, bool admin = false) =>
        (await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = user, Claims = admin ? [new SessionClaim(ClaimTypes.Role, "admin")] : [] })).Token;
}
