using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Device-bound sessions over HTTP (issue #26), as a DBSC browser drives them: the registration offer at sign-in, the
/// registration, the short-lived credential, refresh with and without a proof, replays, revocation and the policy.
/// </summary>
public sealed class DeviceBoundSessionTests
{
    private const string Registration = "/.well-known/dbsc/Session/registration";
    private const string Refresh = "/.well-known/dbsc/Session/refresh";

    [Fact]
    public async Task A_cookie_sign_in_offers_registration_and_the_proof_binds_the_key_with_a_short_lived_credential()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (token, offer) = await SignInAsync(host);

        Assert.Matches("""^\(ES256 RS256\);path="/\.well-known/dbsc/Session/registration";challenge="[A-Za-z0-9_-]{22}\.\d+"$""", offer);
        using var registered = await PostAsync(host, Registration, cookie: token, proof: device.Registration(ChallengeOf(offer)));

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("no-store", registered.Headers.CacheControl?.ToString());
        var instructions = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var session = (await host.Sessions.ListAsync(new SessionFilter { UserId = "alice" })).Single();
        Assert.Equal(session.Id, instructions.GetProperty("session_identifier").GetString());
        Assert.Equal(Refresh, instructions.GetProperty("refresh_url").GetString());
        var credential = instructions.GetProperty("credentials")[0];
        Assert.Equal("cookie", credential.GetProperty("type").GetString());
        Assert.Equal("__Host-session", credential.GetProperty("name").GetString());
        Assert.Contains("secure", credential.GetProperty("attributes").GetString(), StringComparison.OrdinalIgnoreCase);
        var cookie = Assert.Single(registered.Headers.GetValues("Set-Cookie"));
        Assert.Contains("max-age=600", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(SessionBinding.DeviceBound, session.Binding);
        Assert.Equal(device.Thumbprint, session.DeviceKey!.Thumbprint);
        Assert.Null(session.DeviceChallenge);
        var bound = CookieToken(registered);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/device", bound)).StatusCode);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", token)).StatusCode); // the pre-registration token is rotated away after its grace
    }

    [Fact]
    public async Task The_pre_registration_cookie_authenticates_requests_racing_the_registration_until_the_grace_end_without_sliding()
    {
        await using var host = await StartAsync(configure: o => o.SlidingGranularity = TimeSpan.Zero); // every current-token request slides
        using var device = DeviceKey.Es256();
        var (token, offer) = await SignInAsync(host);
        using var registered = await PostAsync(host, Registration, cookie: token, proof: device.Registration(ChallengeOf(offer)));
        var bound = CookieToken(registered);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session_identifier").GetString()!;
        var lastSeen = (await host.Sessions.FindByIdAsync(id))!.LastSeenAt;

        // A page request the browser sent with the old cookie, before the registration's answer landed: was 401.
        host.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        using var racing = await GetAsync(host, "/me", token);

        Assert.Equal(HttpStatusCode.OK, racing.StatusCode);
        Assert.Equal("DeviceBound", (await racing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("binding").GetString());
        Assert.False(racing.Headers.Contains("Set-Cookie")); // nothing writes the old token back
        Assert.Equal(lastSeen, (await host.Sessions.FindByIdAsync(id))!.LastSeenAt); // nor slides the session

        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", bound)).StatusCode);
        Assert.Equal(host.Time.GetUtcNow(), (await host.Sessions.FindByIdAsync(id))!.LastSeenAt); // the new one slides
    }

    [Fact]
    public async Task Any_other_rotation_or_a_revocation_ends_the_previous_token_at_once()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (token, offer) = await SignInAsync(host);
        using var registered = await PostAsync(host, Registration, cookie: token, proof: device.Registration(ChallengeOf(offer)));
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session_identifier").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", token)).StatusCode);

        var rotated = await host.Sessions.RotateAsync(id); // a privilege change

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", CookieToken(registered))).StatusCode);
        var (other, otherOffer) = await SignInAsync(host);
        using var otherRegistered = await PostAsync(host, Registration, cookie: other, proof: device.Registration(ChallengeOf(otherOffer)));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", other)).StatusCode);

        Assert.Equal(2, await host.Sessions.RevokeAllAsync("alice"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", other)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", CookieToken(otherRegistered))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", rotated!.Token)).StatusCode);
    }

    [Fact]
    public async Task A_refresh_keeps_an_unexpired_credential_for_the_grace_period_but_never_revives_an_expired_one()
    {
        await using var host = await StartAsync(configure: o => o.DeviceBound.PreviousCredentialGrace = TimeSpan.FromMinutes(1));
        using var device = DeviceKey.Es256();
        var (id, token) = await RegisterAsync(host, device);

        // Refreshed 9.5 minutes in: the old credential had 30 seconds left, so it keeps them, not the minute of grace.
        host.Time.Advance(TimeSpan.FromMinutes(9.5));
        using var early = await PostAsync(host, Refresh, sessionId: id, proof: device.Refresh(await ChallengeAsync(host, id)));
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        var next = CookieToken(early);
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", token)).StatusCode);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", token)).StatusCode);

        // Refreshed after the credential expired: the refresh that replaces it brings nothing back.
        host.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", next)).StatusCode);
        using var late = await PostAsync(host, Refresh, sessionId: id, proof: device.Refresh(await ChallengeAsync(host, id)));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", next)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", CookieToken(late))).StatusCode);
    }

    [Fact]
    public async Task The_credential_expires_after_its_lifetime_and_a_signed_refresh_issues_the_next()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (id, token) = await RegisterAsync(host, device);

        host.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/me", token)).StatusCode); // a stolen cookie dies here
        Assert.NotNull(await host.Sessions.FindByIdAsync(id)); // while the session lives on

        // The browser refreshes without a proof first: 403 and a challenge to sign.
        using var challenged = await PostAsync(host, Refresh, sessionId: id);
        Assert.Equal(HttpStatusCode.Forbidden, challenged.StatusCode);
        var challenge = ChallengeOf(Assert.Single(challenged.Headers.GetValues("Secure-Session-Challenge")));
        Assert.EndsWith(";id=\"" + id + "\"", challenged.Headers.GetValues("Secure-Session-Challenge").Single(), StringComparison.Ordinal);

        using var refreshed = await PostAsync(host, Refresh, sessionId: id, proof: device.Refresh(challenge));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal("no-store", refreshed.Headers.CacheControl?.ToString());
        Assert.Equal(id, (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session_identifier").GetString());
        var next = CookieToken(refreshed);
        Assert.NotEqual(token, next);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/me", next)).StatusCode);
    }

    [Fact]
    public async Task A_replayed_wrong_key_or_keyed_refresh_gets_403_with_a_fresh_challenge_and_the_reason_in_the_log()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(logs);
        using var device = DeviceKey.Es256();
        using var thief = DeviceKey.Es256();
        var (id, _) = await RegisterAsync(host, device);
        var challenge = await ChallengeAsync(host, id);
        var proof = device.Refresh(challenge);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, Refresh, sessionId: id, proof: proof)).StatusCode);

        using var replayed = await PostAsync(host, Refresh, sessionId: id, proof: proof);
        var fresh = ChallengeOf(Assert.Single(replayed.Headers.GetValues("Secure-Session-Challenge")));
        using var wrongKey = await PostAsync(host, Refresh, sessionId: id, proof: thief.Refresh(fresh));
        var fresh2 = ChallengeOf(Assert.Single(wrongKey.Headers.GetValues("Secure-Session-Challenge")));
        using var keyed = await PostAsync(host, Refresh, sessionId: id, proof: device.Registration(fresh2));

        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keyed.StatusCode);
        Assert.NotEqual(challenge, fresh);
        Assert.Contains(logs.Lines, l => l.Contains("refresh proof for session " + id + ": ChallengeNotIssued", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("refresh proof for session " + id + ": BadSignature", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("refresh proof for session " + id + ": KeyAtRefresh", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(proof.Split('.')[2], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_refreshes_answering_one_challenge_issue_exactly_one_credential()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (id, _) = await RegisterAsync(host, device);
        var proof = device.Refresh(await ChallengeAsync(host, id));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(host, Refresh, sessionId: id, proof: proof)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_revoked_or_unknown_session_is_told_to_stop()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (id, _) = await RegisterAsync(host, device);
        var proof = device.Refresh(await ChallengeAsync(host, id));
        Assert.True(await host.Sessions.RevokeAsync(id));

        using var revoked = await PostAsync(host, Refresh, sessionId: id, proof: proof);
        var unknownId = SessionIds.New("bob");
        using var unknown = await PostAsync(host, Refresh, sessionId: unknownId);

        foreach (var (answer, sessionId) in new[] { (revoked, id), (unknown, unknownId) })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.GetProperty("continue").GetBoolean());
            Assert.Equal(sessionId, body.GetProperty("session_identifier").GetString()); // Chromium reads it first
            Assert.Equal(2, body.EnumerateObject().Count());
            Assert.Equal("no-store", answer.Headers.CacheControl?.ToString());
            Assert.False(answer.Headers.Contains("Set-Cookie"));
        }
    }

    [Fact]
    public async Task Legacy_header_spellings_are_accepted_inbound()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (id, _) = await RegisterAsync(host, device);
        var challenge = await ChallengeAsync(host, id);

        using var request = new HttpRequestMessage(HttpMethod.Post, Refresh);
        request.Headers.Add("Sec-Session-Id", id);
        request.Headers.Add("Sec-Session-Response", device.Refresh(challenge));
        using var response = await host.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bad_registrations_are_refused_with_400_and_a_bound_session_is_never_rebound()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Rs256();
        using var thief = DeviceKey.Es256();
        var (token, offer) = await SignInAsync(host);
        var challenge = ChallengeOf(offer);
        var none = device.Sign(new { alg = "none", typ = "dbsc+jwt", jwk = device.PublicJwk }, new { jti = challenge });

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, Registration, cookie: token, proof: none)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, Registration, cookie: token, proof: new string('A', 9000))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, Registration, cookie: token, proof: "not.a.jws")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, Registration, proof: device.Registration(challenge))).StatusCode);
        using var registered = await PostAsync(host, Registration, cookie: token, proof: device.Registration(challenge)); // RS256
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        var bound = CookieToken(registered);
        var id = (await host.Sessions.ListAsync(new SessionFilter { UserId = "alice" })).Single().Id;
        var again = await ChallengeAsync(host, id);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, Registration, cookie: bound, proof: thief.Registration(again))).StatusCode);
        Assert.Equal("RS256", (await host.Sessions.FindByIdAsync(id))!.DeviceKey!.Algorithm);
    }

    [Fact]
    public async Task The_policy_refuses_an_unbound_session_with_403_and_the_listing_and_claim_show_the_binding()
    {
        await using var host = await StartAsync();
        using var device = DeviceKey.Es256();
        var (plain, _) = await SignInAsync(host);
        var (id, bound) = await RegisterAsync(host, device);

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(host, "/device", plain)).StatusCode);
        using var me = await GetAsync(host, "/me", bound);
        Assert.Equal("DeviceBound", (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("binding").GetString());
        var listed = (await host.Sessions.ListAsync(new SessionFilter { UserId = "alice" })).Select(s => SessionInfo.From(s, null)).ToList();
        var json = JsonSerializer.Serialize(listed);
        Assert.Contains("\"Binding\":\"DeviceBound\"", json, StringComparison.Ordinal);
        Assert.Single(listed, s => s.Binding == SessionBinding.None);
        Assert.DoesNotContain("\"Binding\":\"None\"", json, StringComparison.Ordinal); // left out, as Name and Scopes are
        Assert.Equal(id, listed.Single(s => s.Binding == SessionBinding.DeviceBound).Id);
    }

    [Fact]
    public async Task A_store_outage_during_refresh_answers_503_with_retry_after()
    {
        var faults = new FaultInjectingStore(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance));
        await using var host = await StartAsync(store: faults);
        using var device = DeviceKey.Es256();
        var (id, _) = await RegisterAsync(host, device);
        faults.Unavailable = true;

        using var response = await PostAsync(host, Refresh, sessionId: id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_kind_without_device_binding_offers_nothing_and_serves_no_endpoint()
    {
        await using var host = await TestHost.StartAsync(app => Map(app));
        var (token, offer) = await SignInAsync(host, expectOffer: false);

        Assert.Null(offer);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(host, Registration, cookie: token)).StatusCode);
    }

    private static async Task<TestHost> StartAsync(CapturingLoggerProvider? logs = null, ISessionStore? store = null, Action<SessionAuthenticationOptions>? configure = null) =>
        await TestHost.StartAsync(app => Map(app), o =>
        {
            o.DeviceBound.Enabled = true;
            configure?.Invoke(o);
        }, services =>
        {
            services.AddAuthorizationBuilder().AddPolicy("device", p => p.RequireDeviceBoundSession());
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }

            if (store is not null)
            {
                services.AddSingleton(store);
            }
        });

    private static void Map(WebApplication app)
    {
        app.MapPost("/signin", async (HttpContext context) =>
        {
            await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "test")));
            return Results.NoContent();
        });
        app.MapGet("/me", (HttpContext context) => Results.Json(new { binding = context.User.FindFirstValue(SessionClaimTypes.Binding) })).RequireAuthorization();
        app.MapGet("/device", () => "bound").RequireAuthorization("device");
    }

    private static async Task<(string Token, string? Offer)> SignInAsync(TestHost host, bool expectOffer = true)
    {
        using var response = await host.Client().PostAsync("/signin", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var offer = response.Headers.TryGetValues("Secure-Session-Registration", out var values) ? values.Single() : null;
        Assert.Equal(expectOffer, offer is not null);
        return (CookieToken(response), offer);
    }

    private static async Task<(string Id, string Token)> RegisterAsync(TestHost host, DeviceKey device)
    {
        var (token, offer) = await SignInAsync(host);
        using var registered = await PostAsync(host, Registration, cookie: token, proof: device.Registration(ChallengeOf(offer)));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        return ((await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session_identifier").GetString()!, CookieToken(registered));
    }

    private static async Task<string> ChallengeAsync(TestHost host, string id)
    {
        using var response = await PostAsync(host, Refresh, sessionId: id);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return ChallengeOf(response.Headers.GetValues("Secure-Session-Challenge").Single());
    }

    private static async Task<HttpResponseMessage> PostAsync(TestHost host, string path, string? cookie = null, string? sessionId = null, string? proof = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", "__Host-session=" + cookie);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Sec-Secure-Session-Id", "\"" + sessionId + "\"");
        }

        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("Secure-Session-Response", proof);
        }

        return await host.Client().SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(TestHost host, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "__Host-session=" + cookie);
        return await host.Client().SendAsync(request);
    }

    /// <summary>The challenge of a registration offer or a challenge header: the first quoted value after its start.</summary>
    private static string ChallengeOf(string? header)
    {
        Assert.NotNull(header);
        var at = header.IndexOf("challenge=\"", StringComparison.Ordinal) is var i and >= 0 ? i + "challenge=\"".Length : header.IndexOf('"') + 1;
        return header[at..header.IndexOf('"', at)];
    }

    private static string CookieToken(HttpResponseMessage response)
    {
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        return cookie["__Host-session=".Length..cookie.IndexOf(';')];
    }
}
