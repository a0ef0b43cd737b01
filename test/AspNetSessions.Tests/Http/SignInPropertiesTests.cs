using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// <c>SignInAsync(scheme, principal, properties)</c> honours <see cref="AuthenticationProperties"/> as cookie authentication
/// does (IsPersistent, ExpiresUtc, RedirectUri, Items and saved tokens, kept on the server), and the session scheme works as
/// the <c>SignInScheme</c> of a remote handler: a minimal <see cref="RemoteAuthenticationHandler{TOptions}"/> below signs in
/// through it with <c>StoreTokens</c>, and a later request's <c>GetTokenAsync("access_token")</c> returns the token while the
/// cookie carries only the opaque session token.
/// </summary>
public sealed class SignInPropertiesTests
{
    private const string AccessToken = "at-eyJhbGciOiJSUzI1NiJ9.access.token-value";
    private const string RefreshToken = "rt-refresh-token-value";
    private const string IdToken = "it-eyJhbGciOiJSUzI1NiJ9.id.token-value";

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_remote_handler_signs_in_through_the_session_scheme_and_its_saved_tokens_come_back_from_the_server()
    {
        await using var app = await StartAsync();
        using var client = app.Client;

        using var callback = await client.GetAsync("/signin-remote");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/after", callback.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(callback.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-session=sess_", setCookie, StringComparison.Ordinal);
        foreach (var secret in new[] { AccessToken, RefreshToken, IdToken, "at-", "rt-", "it-", "Token" })
        {
            Assert.DoesNotContain(secret, setCookie, StringComparison.Ordinal);
        }

        // Not persistent (the remote handler's default): a browser-session cookie.
        Assert.DoesNotContain("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age=", setCookie, StringComparison.OrdinalIgnoreCase);

        var token = SampleApi.SessionCookie(callback);
        app.Time.Advance(TimeSpan.FromMinutes(3));
        var seen = await JsonAsync(client, "/tokens", token);
        Assert.Equal(AccessToken, seen.GetProperty("access").GetString());
        Assert.Equal(AccessToken, seen.GetProperty("defaultScheme").GetString());
        Assert.Equal(RefreshToken, seen.GetProperty("refresh").GetString());
        Assert.Equal(IdToken, seen.GetProperty("id").GetString());
        Assert.False(seen.GetProperty("persistent").GetBoolean());
        Assert.Equal("Remote", seen.GetProperty("item").GetString());
        // auth_time is the identity provider's (the user authenticated there two minutes before the callback).
        Assert.Equal(Start.AddMinutes(-2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), seen.GetProperty("authTime").GetString());
        Assert.Equal(Start, seen.GetProperty("issued").GetDateTimeOffset());
        Assert.Equal(Start.AddMinutes(3 + 30), seen.GetProperty("expires").GetDateTimeOffset());

        // Stored tokens and the session token never reach a log line, even at Trace.
        Assert.NotEmpty(app.Logs.Lines);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(AccessToken, StringComparison.Ordinal) || l.Contains(RefreshToken, StringComparison.Ordinal)
            || l.Contains(IdToken, StringComparison.Ordinal) || l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_items_the_session_derives_itself_are_not_stored_and_stored_ones_survive_rotation()
    {
        await using var app = await StartAsync();
        using var client = app.Client;
        using var callback = await client.GetAsync("/signin-remote");
        var manager = app.Web.Services.GetRequiredService<ISessionManager>();
        var sessionId = Assert.Single(await manager.ListAsync(new SessionFilter { UserId = "carol" })).Id;

        var session = await manager.FindByIdAsync(sessionId);
        Assert.NotNull(session);
        Assert.Equal(
            new[] { ".AuthScheme", ".Token.access_token", ".Token.id_token", ".Token.refresh_token", ".TokenNames" },
            session.AuthenticationItems.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(session.Claims, c => c.Type == SessionClaimTypes.AuthenticationTime);

        var rotated = await manager.RotateAsync(sessionId);
        Assert.NotNull(rotated);
        var seen = await JsonAsync(client, "/tokens", rotated.Token);
        Assert.Equal(AccessToken, seen.GetProperty("access").GetString());
    }

    [Fact]
    public async Task A_persistent_sign_in_with_ExpiresUtc_caps_the_session_and_its_cookie_and_never_extends_it()
    {
        await using var app = await StartAsync();
        using var client = app.Client;

        using var capped = await client.PostAsync("/signin-local?persistent=true&expires=" + Uri.EscapeDataString(Start.AddHours(1).ToString("O")), null);
        using var beyond = await client.PostAsync("/signin-local?persistent=true&expires=" + Uri.EscapeDataString(Start.AddDays(30).ToString("O")), null);
        using var browser = await client.PostAsync("/signin-local?persistent=false", null);

        var manager = app.Web.Services.GetRequiredService<ISessionManager>();
        var cappedSession = await manager.FindAsync(SampleApi.SessionCookie(capped));
        var beyondSession = await manager.FindAsync(SampleApi.SessionCookie(beyond));
        Assert.Equal(Start.AddHours(1), cappedSession?.AbsoluteExpiresAt);
        Assert.Equal(Start.AddDays(7), beyondSession?.AbsoluteExpiresAt);
        Assert.Contains("expires=" + Start.AddHours(1).ToString("R", CultureInfo.InvariantCulture), Assert.Single(capped.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=" + Start.AddDays(7).ToString("R", CultureInfo.InvariantCulture), Assert.Single(beyond.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", Assert.Single(browser.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        // The persistence flag is stored: later requests see it in their properties.
        Assert.True((await JsonAsync(client, "/tokens", SampleApi.SessionCookie(capped))).GetProperty("persistent").GetBoolean());
        Assert.False((await JsonAsync(client, "/tokens", SampleApi.SessionCookie(browser))).GetProperty("persistent").GetBoolean());

        // Past ExpiresUtc the session is gone, although the kind would have let it live for days.
        // (Used every 25 minutes, so the 30-minute idle expiry keeps sliding.)
        foreach (var _ in new[] { 1, 2 })
        {
            app.Time.Advance(TimeSpan.FromMinutes(25));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Request("/tokens", SampleApi.SessionCookie(capped)))).StatusCode);
        }

        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Request("/tokens", SampleApi.SessionCookie(capped)))).StatusCode);
    }

    [Fact]
    public async Task Only_a_missed_freshness_requirement_is_a_challenge_any_other_missed_requirement_stays_403()
    {
        await using var app = await StartAsync();
        using var client = app.Client;
        using var signedIn = await client.PostAsync("/signin-local?persistent=false", null);
        var token = SampleApi.SessionCookie(signedIn);

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Request("/fresh-attribute", token))).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(61));

        using var stale = await client.SendAsync(Request("/fresh-attribute", token));
        using var alsoNotAdmin = await client.SendAsync(Request("/fresh-admin", token));

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.EndsWith("max_age=60", Assert.Single(stale.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, alsoNotAdmin.StatusCode);
        Assert.False(alsoNotAdmin.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task Items_over_the_size_limit_are_refused_with_their_size_not_truncated()
    {
        await using var app = await StartAsync();
        var manager = app.Web.Services.GetRequiredService<ISessionManager>();
        var items = new Dictionary<string, string> { [".Token.access_token"] = new string('a', SessionAuthenticationItems.MaxBytes) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => manager.CreateAsync(new SessionCreateRequest { UserId = "carol", AuthenticationItems = items }));

        Assert.Contains("take 32787 bytes; a session keeps at most 32768", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await manager.CountAsync(new SessionFilter { UserId = "carol" }));
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path, string cookieToken)
    {
        using var response = await client.SendAsync(Request(path, cookieToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static HttpRequestMessage Request(string path, string cookieToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "__Host-session=" + cookieToken);
        return request;
    }

    private static async Task<TestApp> StartAsync()
    {
        var time = new FakeTimeProvider(Start);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSessionAuth();
        builder.Services.AddAuthentication().AddRemoteScheme<TestRemoteOptions, TestRemoteHandler>("Remote", "Test identity provider", o =>
        {
            o.CallbackPath = "/signin-remote";
            o.SignInScheme = SessionAuthenticationDefaults.AuthenticationScheme;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy("FreshAdmin", p => p.RequireRole("admin").RequireRecentAuthentication(TimeSpan.FromMinutes(1)));

        var app = builder.Build();
        app.UseSessionAuth();
        app.MapGet("/tokens", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync(SessionAuthenticationDefaults.AuthenticationScheme);
            return Results.Json(new
            {
                access = await context.GetTokenAsync(SessionAuthenticationDefaults.AuthenticationScheme, "access_token"),
                defaultScheme = await context.GetTokenAsync("access_token"),
                refresh = await context.GetTokenAsync(SessionAuthenticationDefaults.AuthenticationScheme, "refresh_token"),
                id = await context.GetTokenAsync(SessionAuthenticationDefaults.AuthenticationScheme, "id_token"),
                persistent = result.Properties!.IsPersistent,
                item = result.Properties.Items.TryGetValue(".AuthScheme", out var scheme) ? scheme : null,
                authTime = context.User.FindFirstValue(SessionClaimTypes.AuthenticationTime),
                issued = result.Properties.IssuedUtc,
                expires = result.Properties.ExpiresUtc,
            });
        }).RequireAuthorization();
        app.MapPost("/signin-local", async (HttpContext context, bool persistent, DateTimeOffset? expires) =>
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "dave")], "test"));
            await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = persistent, ExpiresUtc = expires });
            return Results.NoContent();
        });
        app.MapGet("/fresh-attribute", () => "fresh").RequireAuthorization().WithMetadata(new RequireRecentAuthenticationAttribute("00:01:00"));
        app.MapGet("/fresh-admin", () => "fresh admin").RequireAuthorization("FreshAdmin");
        await app.StartAsync();
        return new TestApp(app, time, logs);
    }

    private sealed class TestApp(WebApplication web, FakeTimeProvider time, CapturingLoggerProvider logs) : IAsyncDisposable
    {
        public CapturingLoggerProvider Logs { get; } = logs;

        public WebApplication Web { get; } = web;

        public FakeTimeProvider Time { get; } = time;

        public HttpClient Client { get; } = CreateClient(web);

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Web.DisposeAsync();
        }

        private static HttpClient CreateClient(WebApplication web)
        {
            var client = web.GetTestClient();
            client.BaseAddress = new Uri("https://localhost");
            return client;
        }
    }

    private sealed class TestRemoteOptions : RemoteAuthenticationOptions;

    /// <summary>
    /// What OpenID Connect and OAuth handlers do on their callback path, minus the protocol: a principal (with the
    /// provider's <c>auth_time</c>) and properties with saved tokens, signed in through <c>SignInScheme</c>.
    /// </summary>
    private sealed class TestRemoteHandler(IOptionsMonitor<TestRemoteOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : RemoteAuthenticationHandler<TestRemoteOptions>(options, logger, encoder)
    {
        protected override Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
        {
            var authTime = TimeProvider.GetUtcNow().AddMinutes(-2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "carol"), new Claim(SessionClaimTypes.AuthenticationTime, authTime)], Scheme.Name);
            var properties = new AuthenticationProperties { RedirectUri = "/after" };
            properties.StoreTokens(
            [
                new AuthenticationToken { Name = "access_token", Value = AccessToken },
                new AuthenticationToken { Name = "refresh_token", Value = RefreshToken },
                new AuthenticationToken { Name = "id_token", Value = IdToken },
            ]);
            return Task.FromResult(HandleRequestResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name)));
        }
    }
}
