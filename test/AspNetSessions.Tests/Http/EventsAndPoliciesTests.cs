using System.Net;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>Policies over stored claims, and the handler's events, as an app would use them.</summary>
public sealed class EventsAndPoliciesTests
{
    [Fact]
    public async Task Claims_stored_with_the_session_drive_policies_and_a_failed_policy_is_403()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/admin", alice.Token));
        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(HttpMethod.Get, "/api/admin", bob.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/admin", null));
    }

    [Fact]
    public async Task OnMessageReceived_can_supply_the_token_from_the_query_string()
    {
        using var app = new SampleApp(services: s => s.PostConfigure<SessionAuthenticationOptions>(SessionAuthenticationDefaults.AuthenticationScheme, o =>
            o.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api/me") && context.Request.Query["access_token"] is { Count: 1 } token)
                {
                    context.Token = token[0];
                }

                return Task.CompletedTask;
            }));
        using var client = app.Client();
        var login = await client.LoginAsync();

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me?access_token=" + login.Token, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me?access_token=sess_nope", null));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task OnValidateSession_can_reject_a_session_or_replace_the_principal()
    {
        using var app = new SampleApp(services: s => s.PostConfigure<SessionAuthenticationOptions>(SessionAuthenticationDefaults.AuthenticationScheme, o =>
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
            }));
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        using var rejected = await client.SendAsync(HttpMethod.Get, "/api/me", bob.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Contains(rejected.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/admin", alice.Token));
    }

    [Fact]
    public async Task SignInAsync_exposes_the_created_session_to_the_app()
    {
        using var app = new SampleApp();
        await using var scope = app.Services.CreateAsyncScope();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = "https";
        context.Request.Host = new Microsoft.AspNetCore.Http.HostString("localhost");
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "test"));

        await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal);

        var created = context.Features.Get<ISessionSignInFeature>()!.Created;
        Assert.Equal("alice", created.Session.UserId);
        Assert.Contains(created.Token, context.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<ISessionManager>().AuthenticateAsync(created.Token));
    }
}
