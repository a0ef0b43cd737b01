using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Issue 22, on a minimal host: a privilege change rotates the caller's token (the token that changed the password or
/// stepped up is dead afterwards; the response carries the new one, <see cref="TestEndpoints.MapStepUp"/>), revocations
/// survive a caller that gives up, and admin revocations are audited. (The sample's own rules, API keys that need a
/// recent sign-in and hostile sign-in form input, are in <see cref="SampleContractTests"/>.)
/// </summary>
public sealed class PrivilegeChangeTests
{
    [Fact]
    public async Task A_privilege_change_with_a_bearer_token_returns_a_new_token_and_kills_the_old_one()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var login = await app.CreateSessionAsync("bob");

        using var changed = await client.SendAsync(HttpMethod.Post, "/privilege", login.Token);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("no-store", changed.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        Assert.NotEqual(login.Token, token);
        Assert.Equal(login.Session.Id, body.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
        Assert.Equal(login.Session.Id, (await client.MeAsync(token, "/me")).GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task A_privilege_change_from_the_cookie_reissues_the_cookie_and_kills_the_old_one()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var old = await CookieSignInAsync(client);

        using var changed = await client.SendAsync(HttpMethod.Post, "/privilege", token: null, r => r.Headers.Add("Cookie", $"{CookieName}={old}"));

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        var renewed = SampleApi.SessionCookie(changed);
        Assert.NotEqual(old, renewed);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", old));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", renewed));
        // The slide of the same request must not write the old token back over the new cookie.
        Assert.Single(changed.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stepping_up_rotates_the_token_too()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var login = await app.CreateSessionAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(20));

        using var reauthenticated = await client.SendAsync(HttpMethod.Post, "/reauthenticate", login.Token);

        Assert.Equal(HttpStatusCode.OK, reauthenticated.StatusCode);
        var token = (await reauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/sensitive", login.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/sensitive", token));
    }

    [Fact]
    public async Task A_revocation_is_carried_out_even_when_its_caller_gives_up()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var sessions = app.Services.GetRequiredService<ISessionManager>();
        var one = await app.CreateSessionAsync("bob");
        var two = await app.CreateSessionAsync("bob");
        var three = await app.CreateSessionAsync("bob");
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        Assert.True(await sessions.RevokeAsync(one.Session.Id, gaveUp.Token));
        Assert.Equal(1, await sessions.RevokeAllAsync("bob", exceptSessionId: three.Session.Id, gaveUp.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", one.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", two.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", three.Token));
    }

    [Fact]
    public async Task Admin_revocations_say_who_revoked_what_and_how_many()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs);
        using var client = app.Client();
        var admin = await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Claims = [new(ClaimTypes.Role, "admin")] });
        var bob = await app.CreateSessionAsync("bob");
        await app.CreateSessionAsync("bob");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/admin/users/bob/sessions/{bob.Session.Id}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/admin/users/bob/sessions", admin.Token));

        var audit = logs.Lines.Where(l => l.StartsWith("Information AspNetSessions.SessionAdmin", StringComparison.Ordinal)).ToArray();
        Assert.Contains(audit, l => l.Contains($"Admin alice revoked ", StringComparison.Ordinal)
            && l.Contains($" session {bob.Session.Id} of user bob (1 revoked)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("Admin alice revoked every ", StringComparison.Ordinal) && l.Contains(" of user bob (1 revoked)", StringComparison.Ordinal));
    }

    private const string CookieName = "__Host-session";

    private static Task<TestHost> StartAsync(CapturingLoggerProvider? logs = null) => TestHost.StartAsync(
        app =>
        {
            app.MapMe();
            app.MapFormSignIn();
            app.MapStepUp(TimeSpan.FromMinutes(5));
            app.MapSessionAdminEndpoints("/admin", "Admin");
        },
        services: s =>
        {
            s.AddAuthorizationBuilder().AddPolicy("Admin", p => p.RequireRole("admin"));
            if (logs is not null)
            {
                s.AddSingleton<ILoggerProvider>(logs);
            }
        });

    private static async Task<string> CookieSignInAsync(HttpClient client)
    {
        using var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" }));
        return SampleApi.SessionCookie(signIn);
    }
}
