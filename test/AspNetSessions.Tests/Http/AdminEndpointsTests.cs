using System.Net;
using System.Text.Json;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// <c>MapSessionAdminEndpoints</c> on a minimal host behind a role policy: list a user's sessions, page through all, revoke
/// one, revoke all; admins only. (The sample's /api/admin route and its demo admin are in <see cref="SampleContractTests"/>.)
/// </summary>
public sealed class AdminEndpointsTests
{
    [Fact]
    public async Task An_admin_lists_a_users_sessions_of_every_kind_without_tokens()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        var bob = await app.CreateSessionAsync("bob");
        var bobKey = await app.CreateSessionAsync("bob", TestEndpoints.ApiKeyScheme);

        using var response = await client.SendAsync(HttpMethod.Get, "/admin/users/bob/sessions", alice.Token);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var sessions = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(new[] { bob.Session.Id, bobKey.Session.Id }.Order(), sessions.Select(s => s.GetProperty("id").GetString()).Order());
        foreach (var session in sessions)
        {
            foreach (var field in new[] { "id", "createdAt", "lastSeenAt", "expiresAt", "metadata" })
            {
                Assert.True(session.TryGetProperty(field, out _), field);
            }
        }

        Assert.DoesNotContain(bob.Token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(bobKey.Token, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_revokes_one_session_of_that_user_only()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        var bob = await app.CreateSessionAsync("bob");
        var bobKey = await app.CreateSessionAsync("bob", TestEndpoints.ApiKeyScheme);

        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/admin/users/carol/sessions/{bob.Session.Id}", alice.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, "/admin/users/bob/sessions/not-a-session-id", alice.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", bob.Token));

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/admin/users/bob/sessions/{bobKey.Session.Id}", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", bobKey.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", bob.Token));
    }

    [Fact]
    public async Task An_admin_revokes_every_session_of_a_user_and_each_is_dead_on_its_next_request()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        var bob = await app.CreateSessionAsync("bob");
        var bobPhone = await app.CreateSessionAsync("bob");
        var bobKey = await app.CreateSessionAsync("bob", TestEndpoints.ApiKeyScheme);

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/admin/users/bob/sessions", alice.Token));

        foreach (var token in new[] { bob.Token, bobPhone.Token, bobKey.Token })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", token));
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", alice.Token));
        using var list = await client.SendAsync(HttpMethod.Get, "/admin/users/bob/sessions", alice.Token);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_pages_through_every_session_at_api_admin_sessions()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        var bob = await app.CreateSessionAsync("bob");
        var bobKey = await app.CreateSessionAsync("bob", TestEndpoints.ApiKeyScheme);

        var listed = new List<JsonElement>();
        var url = "/admin/sessions?limit=1";
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            using var response = await client.SendAsync(HttpMethod.Get, url, alice.Token);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(bob.Token, body, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(body);
            listed.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            var next = json.RootElement.GetProperty("next");
            url = next.ValueKind == JsonValueKind.Null ? null : "/admin/sessions?limit=1&cursor=" + Uri.EscapeDataString(next.GetString()!);
        }

        Assert.Null(url);
        Assert.Equal(new[] { alice.Session.Id, bob.Session.Id, bobKey.Session.Id }.Order(), listed.Select(s => s.GetProperty("id").GetString()).Order());
        foreach (var session in listed)
        {
            foreach (var field in new[] { "id", "userId", "kind", "createdAt", "lastSeenAt", "expiresAt", "metadata" })
            {
                Assert.True(session.TryGetProperty(field, out _), field);
            }
        }

        Assert.Equal("bob", listed.Single(s => s.GetProperty("id").GetString() == bobKey.Session.Id).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, await client.StatusAsync(HttpMethod.Get, "/admin/sessions?limit=501", alice.Token));
        Assert.Equal(HttpStatusCode.BadRequest, await client.StatusAsync(HttpMethod.Get, "/admin/sessions?cursor=forged", alice.Token));
    }

    [Fact]
    public async Task The_listing_shows_a_keys_name_and_scopes()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        await app.CreateSessionAsync("bob");
        await app.Services.GetRequiredKeyedService<ISessionManager>(TestEndpoints.ApiKeyScheme)
            .CreateAsync(new SessionCreateRequest { UserId = "bob", Name = "backup", Scopes = ["orders:read"] });

        using var admin = await client.SendAsync(HttpMethod.Get, "/admin/users/bob/sessions", alice.Token);

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        using var json = JsonDocument.Parse(await admin.Content.ReadAsStringAsync());
        var listed = json.RootElement.EnumerateArray().Where(s => s.GetProperty("kind").GetString() == TestEndpoints.ApiKeyScheme);
        Assert.Contains(listed, s => s.GetProperty("name").GetString() == "backup"
            && s.GetProperty("scopes").EnumerateArray().Select(x => x.GetString()).SequenceEqual(["orders:read"]));
    }

    [Theory]
    [InlineData("GET", "/admin/sessions")]
    [InlineData("GET", "/admin/users/alice/sessions")]
    [InlineData("DELETE", "/admin/users/alice/sessions")]
    [InlineData("DELETE", "/admin/users/alice/sessions/x")]
    public async Task Non_admins_get_403_and_anonymous_callers_401(string method, string path)
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var alice = await AdminAsync(app);
        var bob = await app.CreateSessionAsync("bob");

        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(new HttpMethod(method), path, bob.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(new HttpMethod(method), path, null));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", alice.Token)); // nothing was revoked
    }

    /// <summary>A session of alice with the role the policy asks for, as an app's sign-in stores it.</summary>
    private static Task<CreatedSession> AdminAsync(TestHost app) =>
        app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Claims = [new(ClaimTypes.Role, "admin")] });

    private static Task<TestHost> StartAsync() => TestHost.StartAsync(
        app =>
        {
            app.MapMe(TestEndpoints.BothSchemes);
            app.MapSessionAdminEndpoints("/admin", "Admin");
        },
        services: s => s.AddAuthorizationBuilder().AddPolicy("Admin", p => p.RequireRole("admin")),
        auth: a => a.AddApiKeys());
}
