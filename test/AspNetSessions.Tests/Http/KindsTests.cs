using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Two session kinds side by side: browser sessions and API keys (<see cref="TestEndpoints.AddApiKeys"/>), each managed
/// by its own <c>MapSessionEndpoints</c> (keys from a browser session); a key's name, scopes, lifetime and the kind's
/// per-user cap. On a minimal host.
/// </summary>
public sealed class KindsTests
{
    [Fact]
    public async Task An_api_key_authenticates_as_its_own_kind()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var key = await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        Assert.StartsWith("key_", key.Token, StringComparison.Ordinal);
        var me = await client.MeAsync(key.Token, "/me");
        Assert.Equal("alice", me.GetProperty("userId").GetString());
        Assert.Equal("ApiKey", me.GetProperty("kind").GetString());
        Assert.Equal(key.Session.Id, me.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Each_kind_has_its_own_lifetimes_and_namespace()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var session = await app.CreateSessionAsync("alice");
        var key = await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        // Browser sessions: 30 minutes idle. API keys: no idle expiry, 90 days absolute.
        Assert.Equal(app.Time.GetUtcNow().AddDays(90), key.Session.ExpiresAt);
        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", session.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));
    }

    [Fact]
    public async Task Revoking_browser_sessions_leaves_api_keys_and_the_reverse()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var current = await app.CreateSessionAsync("alice");
        var other = await app.CreateSessionAsync("alice");
        var key = await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/sessions", current.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", other.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));

        using var keys = await client.SendAsync(HttpMethod.Get, "/keys", current.Token);
        var listed = (await keys.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        Assert.Contains(listed, k => k.GetProperty("id").GetString() == key.Session.Id);
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/keys/{key.Session.Id}", current.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", current.Token));
    }

    [Fact]
    public async Task A_token_is_only_accepted_by_the_schemes_an_endpoint_allows()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var session = await app.CreateSessionAsync("alice");
        var key = await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        // /sessions and /keys are managed from a browser session only.
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/sessions", key.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/keys", key.Token));
        // A key id is not a browser session id and the reverse.
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/sessions/{key.Session.Id}", session.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/keys/{session.Session.Id}", session.Token));
    }

    [Fact]
    public async Task An_api_key_is_never_read_from_a_cookie()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var key = await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        var status = await client.StatusAsync(HttpMethod.Get, "/me", null, r => r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + key.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task The_listings_show_a_keys_name_and_scopes_and_a_browser_session_neither()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var session = await app.CreateSessionAsync("bob");
        var key = await Keys(app).CreateAsync(new SessionCreateRequest { UserId = "bob", Name = "backup", Scopes = ["orders:read"] });
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));

        using (var own = await client.SendAsync(HttpMethod.Get, "/sessions", session.Token))
        {
            var mine = Assert.Single((await own.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), s => s.GetProperty("current").GetBoolean());
            Assert.False(mine.TryGetProperty("name", out _));   // a browser session: no name, unrestricted
            Assert.False(mine.TryGetProperty("scopes", out _));
        }

        using var keys = await client.SendAsync(HttpMethod.Get, "/keys", session.Token);
        var listed = Assert.Single((await keys.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal("backup", listed.GetProperty("name").GetString());
        Assert.Equal(["orders:read"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_key_created_with_a_shorter_lifetime_expires_at_its_end()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var key = await Keys(app).CreateAsync(new SessionCreateRequest { UserId = "bob", Lifetime = TimeSpan.FromDays(1) });

        Assert.Equal(app.Time.GetUtcNow().AddDays(1), key.Session.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));
        app.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", key.Token));
    }

    [Fact]
    public async Task The_key_past_the_kinds_MaxSessionsPerUser_revokes_the_users_oldest_key_and_no_browser_session()
    {
        await using var app = await StartAsync(s => s.Configure<SessionAuthenticationOptions>(TestEndpoints.ApiKeyScheme, o => o.MaxSessionsPerUser = 10));
        using var client = app.Client();
        var session = await app.CreateSessionAsync("alice");
        var tokens = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            tokens.Add((await app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme)).Token);
            app.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", tokens[0]));
        foreach (var token in tokens.Skip(1))
        {
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", token));
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", session.Token));
    }

    private static ISessionManager Keys(TestHost app) => app.Services.GetRequiredKeyedService<ISessionManager>(TestEndpoints.ApiKeyScheme);

    private static Task<TestHost> StartAsync(Action<IServiceCollection>? services = null) => TestHost.StartAsync(app =>
    {
        app.MapMe(TestEndpoints.BothSchemes);
        app.MapSessionEndpoints("/sessions");
        app.MapSessionEndpoints("/keys", TestEndpoints.ApiKeyScheme, SessionAuthenticationDefaults.AuthenticationScheme);
    }, services: services, auth: a => a.AddApiKeys());
}
