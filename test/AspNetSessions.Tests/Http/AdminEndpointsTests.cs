using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>The sample's admin session management: list a user's sessions, revoke one, revoke all; admins only.</summary>
public sealed class AdminEndpointsTests
{
    [Fact]
    public async Task An_admin_lists_a_users_sessions_of_every_kind_without_tokens()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        var bobKey = await client.CreateKeyAsync(bob.Token);

        using var response = await client.SendAsync(HttpMethod.Get, "/api/admin/users/bob/sessions", alice.Token);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var sessions = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(new[] { bob.SessionId, bobKey.SessionId }.Order(), sessions.Select(s => s.GetProperty("id").GetString()).Order());
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
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        var bobKey = await client.CreateKeyAsync(bob.Token);

        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/admin/users/carol/sessions/{bob.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, "/api/admin/users/bob/sessions/not-a-session-id", alice.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/admin/users/bob/sessions/{bobKey.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", bobKey.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
    }

    [Fact]
    public async Task An_admin_revokes_every_session_of_a_user_and_each_is_dead_on_its_next_request()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        var bobPhone = await client.LoginAsync("bob");
        var bobKey = await client.CreateKeyAsync(bob.Token);

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/admin/users/bob/sessions", alice.Token));

        foreach (var token in new[] { bob.Token, bobPhone.Token, bobKey.Token })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", token));
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", alice.Token));
        using var list = await client.SendAsync(HttpMethod.Get, "/api/admin/users/bob/sessions", alice.Token);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_pages_through_every_session_at_api_admin_sessions()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        var bobKey = await client.CreateKeyAsync(bob.Token);

        var listed = new List<JsonElement>();
        var url = "/api/admin/sessions?limit=1";
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            using var response = await client.SendAsync(HttpMethod.Get, url, alice.Token);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(bob.Token, body, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(body);
            listed.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            var next = json.RootElement.GetProperty("next");
            url = next.ValueKind == JsonValueKind.Null ? null : "/api/admin/sessions?limit=1&cursor=" + Uri.EscapeDataString(next.GetString()!);
        }

        Assert.Null(url);
        Assert.Equal(new[] { alice.SessionId, bob.SessionId, bobKey.SessionId }.Order(), listed.Select(s => s.GetProperty("id").GetString()).Order());
        foreach (var session in listed)
        {
            foreach (var field in new[] { "id", "userId", "kind", "createdAt", "lastSeenAt", "expiresAt", "metadata" })
            {
                Assert.True(session.TryGetProperty(field, out _), field);
            }
        }

        Assert.Equal("bob", listed.Single(s => s.GetProperty("id").GetString() == bobKey.SessionId).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, await client.StatusAsync(HttpMethod.Get, "/api/admin/sessions?limit=501", alice.Token));
        Assert.Equal(HttpStatusCode.BadRequest, await client.StatusAsync(HttpMethod.Get, "/api/admin/sessions?cursor=forged", alice.Token));
    }

    [Theory]
    [InlineData("GET", "/api/admin/sessions")]
    [InlineData("GET", "/api/admin/users/alice/sessions")]
    [InlineData("DELETE", "/api/admin/users/alice/sessions")]
    [InlineData("DELETE", "/api/admin/users/alice/sessions/x")]
    public async Task Non_admins_get_403_and_anonymous_callers_401(string method, string path)
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(new HttpMethod(method), path, bob.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(new HttpMethod(method), path, null));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", alice.Token)); // nothing was revoked
    }
}

/// <summary>The recipe apps need most: a password change revokes every other browser session of that user.</summary>
public sealed class PasswordChangeTests
{
    [Fact]
    public async Task Changing_the_password_revokes_the_users_other_sessions_and_keeps_this_one_under_a_new_token()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var laptop = await client.LoginAsync("bob");
        var stolen = await client.LoginAsync("bob");
        var alice = await client.LoginAsync("alice");

        using var wrong = await client.SendAsync(HttpMethod.Post, "/api/account/password", laptop.Token,
            r => r.Content = JsonContent.Create(new { currentPassword = "guess", newPassword = "a-new-password" }));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", stolen.Token));

        using var changed = await client.SendAsync(HttpMethod.Post, "/api/account/password", laptop.Token,
            r => r.Content = JsonContent.Create(new { currentPassword = "bob-password", newPassword = "a-new-password" }));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var rotated = (await changed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", stolen.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", laptop.Token));
        Assert.Equal(laptop.SessionId, (await client.MeAsync(rotated)).GetProperty("sessionId").GetString());
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", alice.Token));
        await client.LoginAsync("bob", "a-new-password");
    }
}
