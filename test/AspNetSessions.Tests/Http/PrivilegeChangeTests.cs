using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Issue 22, over the sample: a privilege change rotates the caller's token (the token that changed the password or
/// stepped up is dead afterwards; the response carries the new one), API keys need a recent sign-in and are never
/// fresher than it, hostile sign-in input leaves no session behind, revocations survive a caller that gives up, and
/// admin revocations are audited.
/// </summary>
public sealed class PrivilegeChangeTests
{
    [Fact]
    public async Task Changing_the_password_with_a_bearer_token_returns_a_new_token_and_kills_the_old_one()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("bob");

        using var changed = await client.SendAsync(HttpMethod.Post, "/api/account/password", login.Token,
            r => r.Content = JsonContent.Create(new { currentPassword = "bob-password", newPassword = "a-new-password" }));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("no-store", changed.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        Assert.NotEqual(login.Token, token);
        Assert.Equal(login.SessionId, body.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        Assert.Equal(login.SessionId, (await client.MeAsync(token)).GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Changing_the_password_from_the_cookie_reissues_the_cookie_and_kills_the_old_one()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var old = await CookieSignInAsync(client);

        using var changed = await client.SendAsync(HttpMethod.Post, "/api/account/password", token: null, r =>
        {
            r.Headers.Add("Cookie", $"{CookieName}={old}");
            r.Content = JsonContent.Create(new { currentPassword = "alice-password", newPassword = "a-new-password" });
        });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        var renewed = SampleApi.SessionCookie(changed);
        Assert.NotEqual(old, renewed);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", old));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", renewed));
        // The slide of the same request must not write the old token back over the new cookie.
        Assert.Single(changed.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stepping_up_rotates_the_token_too()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(20));

        using var reauthenticated = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", login.Token,
            r => r.Content = JsonContent.Create(new { password = "alice-password" }));

        Assert.Equal(HttpStatusCode.OK, reauthenticated.StatusCode);
        var token = (await reauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", token));
    }

    [Fact]
    public async Task Creating_an_api_key_needs_a_recent_sign_in()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("bob");
        app.Time.Advance(TimeSpan.FromMinutes(6));

        using var stale = await PostKeyAsync(client, login.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("insufficient_user_authentication", Assert.Single(stale.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
        Assert.Empty(await app.Services.GetRequiredKeyedService<ISessionManager>("ApiKey").ListAsync(new SessionFilter { UserId = "bob" }));

        using var reauthenticated = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", login.Token,
            r => r.Content = JsonContent.Create(new { password = "bob-password" }));
        var fresh = (await reauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var created = await PostKeyAsync(client, fresh);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
    }

    [Fact]
    public async Task A_new_api_key_is_only_as_fresh_as_the_sign_in_that_created_it()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var signedInAt = app.Time.GetUtcNow();
        var login = await client.LoginAsync("bob");
        app.Time.Advance(TimeSpan.FromMinutes(4));

        using var created = await PostKeyAsync(client, login.Token);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        var session = await app.Services.GetRequiredKeyedService<ISessionManager>("ApiKey").FindAsync(key);
        Assert.NotNull(session);
        Assert.Equal(signedInAt.ToUnixTimeSeconds(), session.AuthenticatedAt.ToUnixTimeSeconds());
        Assert.True(session.CreatedAt > session.AuthenticatedAt);
    }

    [Theory]
    [InlineData("/account\r\nSet-Cookie: x=1")]
    [InlineData("/account\nLocation: https://evil.example")]
    [InlineData("/account\0")]
    [InlineData("/\u202Etnuocca")]
    [InlineData("/caf\u00e9")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("\t/account")]
    public async Task A_hostile_return_url_sends_the_browser_home_and_never_fails(string returnUrl)
    {
        using var app = new SampleApp();
        using var client = app.Client();

        using var signIn = await client.PostAsync("/login", Form(("username", "alice"), ("password", "alice-password"), ("ReturnUrl", returnUrl)));

        // A safe redirect home after signing in, or a 400 (the form reader refuses a NUL) before anything was created.
        var sessions = await app.Services.GetRequiredService<ISessionManager>().ListAsync(new SessionFilter { UserId = "alice" });
        if (signIn.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Empty(sessions);
            return;
        }

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Single(sessions);
    }

    [Fact]
    public async Task A_local_return_url_is_followed()
    {
        using var app = new SampleApp();
        using var client = app.Client();

        using var signIn = await client.PostAsync("/login", Form(("username", "alice"), ("password", "alice-password"), ("ReturnUrl", "/account?tab=1")));

        Assert.Equal("/account?tab=1", signIn.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice")]   // never closed
    [InlineData("multipart/form-data", "--XYZ--")]                                                                            // no boundary
    public async Task A_malformed_form_body_is_a_400_and_creates_no_session(string contentType, string body)
    {
        using var app = new SampleApp();
        using var client = app.Client();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var signIn = await client.PostAsync("/login", content);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Empty(await app.Services.GetRequiredService<ISessionManager>().ListAsync(new SessionFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task A_revocation_is_carried_out_even_when_its_caller_gives_up()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var sessions = app.Services.GetRequiredService<ISessionManager>();
        var one = await client.LoginAsync("bob");
        var two = await client.LoginAsync("bob");
        var three = await client.LoginAsync("bob");
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        Assert.True(await sessions.RevokeAsync(one.SessionId, gaveUp.Token));
        Assert.Equal(1, await sessions.RevokeAllAsync("bob", exceptSessionId: three.SessionId, gaveUp.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", one.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", two.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", three.Token));
    }

    [Fact]
    public async Task Admin_revocations_say_who_revoked_what_and_how_many()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new SampleApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        var admin = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/admin/users/bob/sessions/{bob.SessionId}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/admin/users/bob/sessions", admin.Token));

        var audit = logs.Lines.Where(l => l.StartsWith("Information AspNetSessions.SessionAdmin", StringComparison.Ordinal)).ToArray();
        Assert.Contains(audit, l => l.Contains($"Admin alice revoked ", StringComparison.Ordinal)
            && l.Contains($" session {bob.SessionId} of user bob (1 revoked)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("Admin alice revoked every ", StringComparison.Ordinal) && l.Contains(" of user bob (1 revoked)", StringComparison.Ordinal));
    }

    private const string CookieName = "__Host-session";

    private static async Task<string> CookieSignInAsync(HttpClient client)
    {
        using var signIn = await client.PostAsync("/login", Form(("username", "alice"), ("password", "alice-password")));
        return SampleApi.SessionCookie(signIn);
    }

    private static Task<HttpResponseMessage> PostKeyAsync(HttpClient client, string token) =>
        client.SendAsync(HttpMethod.Post, "/api/keys", token, r => r.Content = JsonContent.Create(new { name = "ci", scopes = new[] { "orders:read" } }));

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
