using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The three forms of the session-scope requirement (policy, attribute, endpoint builder) in an app's own wiring, and
/// what a key granted no scope and a caller without credentials are answered.
/// </summary>
public sealed class ScopeAuthorizationTests
{
    [Fact]
    public async Task The_policy_attribute_and_endpoint_forms_all_answer_insufficient_scope_with_the_scopes_required()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        var keys = app.Services.GetRequiredKeyedService<ISessionManager>("ApiKey");
        var reader = (await keys.CreateAsync(new SessionCreateRequest { UserId = "dora", Scopes = ["reports:read"] })).Token;
        var writer = (await keys.CreateAsync(new SessionCreateRequest { UserId = "dora", Scopes = ["reports:write"] })).Token;
        var both = (await keys.CreateAsync(new SessionCreateRequest { UserId = "dora", Scopes = ["reports:read", "reports:write"] })).Token;
        var browser = (await app.Services.GetRequiredService<ISessionManager>().CreateAsync(new SessionCreateRequest { UserId = "dora" })).Token;

        foreach (var path in new[] { "/policy", "/attribute", "/endpoint" })
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, path, reader)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, path, browser)).StatusCode);
            var refused = await GetAsync(client, path, writer);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(["Bearer error=\"insufficient_scope\", scope=\"reports:read\""], refused.Headers.WwwAuthenticate.Select(h => h.ToString()));
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, path, null)).StatusCode);
        }

        var two = await GetAsync(client, "/two", reader);
        Assert.Equal(HttpStatusCode.Forbidden, two.StatusCode);
        Assert.Equal(["Bearer error=\"insufficient_scope\", scope=\"reports:read reports:write\""], two.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/two", both)).StatusCode);
        // Scopes are claims too: an ordinary RequireClaim policy reads them.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/claim", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(client, "/claim", writer)).StatusCode);
        // A role-policy 403 is not a scope answer.
        var role = await GetAsync(client, "/role", reader);
        Assert.Equal(HttpStatusCode.Forbidden, role.StatusCode);
        Assert.Empty(role.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task A_key_granted_no_scope_is_refused_yet_authenticates_and_no_credentials_get_one_plain_bearer_challenge()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        var keys = app.Services.GetRequiredKeyedService<ISessionManager>("ApiKey");
        var none = (await keys.CreateAsync(new SessionCreateRequest { UserId = "dora", Scopes = [] })).Token;
        var unscoped = (await keys.CreateAsync(new SessionCreateRequest { UserId = "dora" })).Token; // a kind that declares scopes grants none unasked

        foreach (var token in new[] { none, unscoped })
        {
            var refused = await GetAsync(client, "/policy", token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(["Bearer error=\"insufficient_scope\", scope=\"reports:read\""], refused.Headers.WwwAuthenticate.Select(h => h.ToString()));
            // Scopes are claims too, and never the grant of another key: where no scope is asked, the key authenticates.
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/any", token)).StatusCode);
        }

        var anonymous = await GetAsync(client, "/policy", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.DoesNotContain(anonymous.Headers.WwwAuthenticate, h => h.ToString().Contains("insufficient_scope", StringComparison.Ordinal));
        // One challenge for the Bearer scheme, however many session schemes (browser session, API key) answered 401.
        Assert.Equal(["Bearer"], anonymous.Headers.WwwAuthenticate.Select(h => h.ToString()));
    }

    [Fact]
    public async Task A_stored_claim_cannot_fake_scopes()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        var keys = app.Services.GetRequiredKeyedService<ISessionManager>("ApiKey");
        var forged = (await keys.CreateAsync(new SessionCreateRequest
        {
            UserId = "dora",
            Scopes = ["reports:write"],
            Claims = [new SessionClaim(SessionClaimTypes.Scope, "reports:read")],
        })).Token;

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(client, "/policy", forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(client, "/claim", forged)).StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSessionAuth(_ => { }).AddKind("ApiKey", o =>
        {
            o.TokenPrefix = "key";
            o.TokenSources = [SessionTokenSource.Bearer];
            o.Scopes = ["reports:read", "reports:write"];
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("read", p => p.AddAuthenticationSchemes("Session", "ApiKey").RequireAuthenticatedUser().RequireSessionScope("reports:read"))
            .AddPolicy("claim", p => p.AddAuthenticationSchemes("ApiKey").RequireClaim(SessionClaimTypes.Scope, "reports:read"))
            .AddPolicy("role", p => p.AddAuthenticationSchemes("ApiKey").RequireRole("admin"));
        var app = builder.Build();
        app.UseSessionAuth();
        app.MapGet("/policy", () => "ok").RequireAuthorization("read");
        app.MapGet("/attribute", [RequireSessionScope("reports:read", AuthenticationSchemes = "Session,ApiKey")] () => "ok");
        app.MapGet("/endpoint", () => "ok").RequireSessionScope("reports:read").RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { AuthenticationSchemes = "Session,ApiKey" });
        app.MapGet("/two", (ClaimsPrincipal user) => "ok").RequireAuthorization(new RequireSessionScopeAttribute("reports:read", "reports:write") { AuthenticationSchemes = "ApiKey" });
        app.MapGet("/claim", () => "ok").RequireAuthorization("claim");
        app.MapGet("/role", () => "ok").RequireAuthorization("role");
        app.MapGet("/any", () => "ok").RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { AuthenticationSchemes = "Session,ApiKey" });
        await app.StartAsync();
        return app;
    }
}
