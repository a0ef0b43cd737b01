using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The sample's HTTP contract (samples/WebApp/README.md), endpoint by endpoint on the memory store: its fixed routes and
/// answers, its demo users, its form sign-in, its API key rules and its own appsettings keys (Sample:StepUpMaxAge). Library
/// behaviour is tested on minimal hosts (<see cref="TestHost"/>), so a change to the demo breaks only this class.
/// </summary>
public sealed class SampleContractTests : IClassFixture<SampleContractTests.App>
{
    private readonly SampleApp _app;

    public SampleContractTests(App app) => _app = app.Instance;

    public sealed class App : IDisposable
    {
        public SampleApp Instance { get; } = new();

        public void Dispose() => Instance.Dispose();
    }

    [Fact]
    public async Task Login_returns_a_token_and_the_session()
    {
        using var client = _app.Client();
        using var response = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches("^sess_[A-Za-z0-9_-]{70}$", body.GetProperty("token").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{22}$", body.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal(_app.Time.GetUtcNow().AddMinutes(30), body.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_login_response_reports_the_configured_lifetime()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:05:00" });
        using var client = app.Client();

        var login = await client.LoginAsync();

        Assert.Equal(app.Time.GetUtcNow().AddMinutes(5), login.ExpiresAt);
    }

    [Theory]
    [InlineData("alice", "bob-password")]
    [InlineData("alice", "")]
    [InlineData("mallory", "mallory-password")]
    [InlineData("ALICE", "alice-password")]
    public async Task Login_with_wrong_credentials_is_401(string username, string password)
    {
        using var client = _app.Client();
        using var response = await client.PostAsJsonAsync("/api/login", new { username, password });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"alice\"")]
    [InlineData("{\"username\":\"alice\"}")]
    [InlineData("{\"username\":5,\"password\":\"alice-password\"}")]
    [InlineData("{\"password\":\"alice-password\"}")]
    public async Task Login_with_a_malformed_body_is_400(string json)
    {
        using var client = _app.Client();
        using var response = await client.PostAsync("/api/login", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_without_a_json_body_is_400()
    {
        using var client = _app.Client();
        using var response = await client.PostAsync("/api/login", new StringContent("username=alice&password=alice-password", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Me_returns_the_user_and_session_for_a_bearer_token()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync("bob");

        var me = await client.MeAsync(login.Token);

        Assert.Equal("bob", me.GetProperty("userId").GetString());
        Assert.Equal(login.SessionId, me.GetProperty("sessionId").GetString());
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("Bearer ")]
    public async Task The_bearer_scheme_name_is_case_insensitive(string scheme)
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {login.Token}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task No_token_is_401_with_a_plain_bearer_challenge()
    {
        using var client = _app.Client();
        using var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_")]
    public async Task A_rejected_token_is_401_with_invalid_token(string token)
    {
        using var client = _app.Client();
        using var response = await client.SendAsync(HttpMethod.Get, "/api/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter!.Contains("error=\"invalid_token\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_well_formed_token_with_a_wrong_secret_is_401_with_invalid_token()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        var forged = DamagedToken.Of(login.Token, 6);

        using var response = await client.SendAsync(HttpMethod.Get, "/api/me", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Sessions_lists_the_callers_sessions_with_metadata_and_the_current_one_marked()
    {
        using var client = _app.Client();
        var first = await client.LoginAsync("alice");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TestPhone/2.0");
        var second = await client.LoginAsync("alice");
        await client.LoginAsync("bob");

        using var response = await client.SendAsync(HttpMethod.Get, "/api/sessions", second.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var sessions = JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();

        var mine = sessions.Select(s => s.GetProperty("id").GetString()).ToArray();
        Assert.Contains(first.SessionId, mine);
        Assert.Contains(second.SessionId, mine);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(second.SessionId, current.GetProperty("id").GetString());
        Assert.Equal("TestPhone/2.0", current.GetProperty("metadata").GetProperty("userAgent").GetString());
        Assert.Equal("127.0.0.1", current.GetProperty("metadata").GetProperty("ip").GetString());
        foreach (var property in new[] { "createdAt", "lastSeenAt", "expiresAt" })
        {
            Assert.True(current.GetProperty(property).TryGetDateTimeOffset(out _), property);
        }

        Assert.DoesNotContain("sess_", json, StringComparison.Ordinal);
        Assert.DoesNotContain("digest", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("token", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"bob\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_one_of_my_sessions_is_204_and_kills_its_token()
    {
        using var client = _app.Client();
        var phone = await client.LoginAsync("alice");
        var laptop = await client.LoginAsync("alice");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{phone.SessionId}", laptop.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", phone.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", laptop.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{phone.SessionId}", laptop.Token));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-session-id")]
    [InlineData("%E2%9C%93")]
    public async Task Deleting_an_unknown_session_is_404(string id)
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{id}", login.Token));
    }

    [Fact]
    public async Task Deleting_another_users_session_is_404_and_leaves_it_alone()
    {
        using var client = _app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{bob.SessionId}", alice.Token));

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
    }

    [Fact]
    public async Task Deleting_all_revokes_my_other_sessions_but_not_the_current_one_or_other_users()
    {
        using var client = _app.Client();
        var others = new[] { await client.LoginAsync("alice"), await client.LoginAsync("alice") };
        var current = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", current.Token));

        foreach (var other in others)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", current.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
        using var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", current.Token);
        Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }

    [Fact]
    public async Task Logout_is_204_and_the_token_is_dead_afterwards()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
    }

    [Fact]
    public async Task Session_endpoints_need_authentication()
    {
        using var client = _app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/sessions", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Delete, "/api/sessions/AAAAAAAAAAAAAAAAAAAAAA", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/logout", null));
    }

    [Theory]
    [InlineData("Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Bearersess_x")]
    [InlineData("Bearer sess_x sess_y")]
    [InlineData("Bearer \u00e9\u00e9\u00e9")]
    public async Task Odd_authorization_headers_are_401_never_500(string header)
    {
        using var client = _app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused_even_if_one_is_valid()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + login.Token, "Bearer " + login.Token]);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_request", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_browser_sign_in_offers_device_binding_and_account_device_needs_a_bound_session()
    {
        using var client = _app.Client();
        using var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" }));
        var offer = Assert.Single(signIn.Headers.GetValues("Secure-Session-Registration"));
        Assert.StartsWith("(ES256 RS256);path=\"/.well-known/dbsc/Session/registration\";challenge=\"", offer, StringComparison.Ordinal);
        var token = SampleApi.SessionCookie(signIn);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWithCookieAsync(client, HttpMethod.Get, "/account/device", token));

        using var device = DeviceKey.Es256();
        var challenge = offer[(offer.IndexOf("challenge=\"", StringComparison.Ordinal) + 11)..^1];
        using var register = new HttpRequestMessage(HttpMethod.Post, "/.well-known/dbsc/Session/registration");
        register.Headers.Add("Cookie", "__Host-session=" + token);
        register.Headers.TryAddWithoutValidation("Secure-Session-Response", device.Registration(challenge));
        using var registered = await client.SendAsync(register);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var bound = SampleApi.SessionCookie(registered);

        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(client, HttpMethod.Get, "/account/device", bound));
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        list.Headers.Add("Cookie", "__Host-session=" + bound);
        using var listed = await client.SendAsync(list);
        var session = Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), s => s.GetProperty("current").GetBoolean());
        Assert.Equal("DeviceBound", session.GetProperty("binding").GetString());
    }

    [Fact]
    public async Task A_form_sign_in_with_wrong_credentials_sets_no_cookie()
    {
        using var client = _app.Client();
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "nope" }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_page_cannot_be_framed_and_token_answers_are_not_cached()
    {
        using var client = _app.Client();
        using var page = await client.GetAsync("/");
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        using var login = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True(login.Headers.CacheControl?.NoStore);
        Assert.True(login.Headers.CacheControl?.NoCache);
        Assert.Equal("no-cache", login.Headers.Pragma.ToString());
    }

    [Fact]
    public async Task The_shared_step_up_scenario_holds_on_the_memory_store()
    {
        using var app = new SampleApp();
        await StepUpScenario.RunAsync(app);
    }

    [Theory]
    [InlineData("{\"password\":\"wrong\"}", "The password is not correct.")]
    [InlineData("{\"password\":\"bob-password\"}", "The password is not correct.")]   // another user's password
    [InlineData("{}", "Expected a JSON body")]
    [InlineData("{\"password\":", null)]
    [InlineData("[]", null)]
    public async Task A_failed_reauthentication_is_a_400_with_problem_details_and_changes_nothing(string body, string? title)
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(10));

        using var response = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", login.Token,
            r => r.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        if (title is not null)
        {
            Assert.StartsWith(title, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));
    }

    [Fact]
    public async Task Sample_StepUpMaxAge_sets_the_max_age()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["Sample:StepUpMaxAge"] = "00:00:30" });
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromSeconds(31));

        using var stale = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", login.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.EndsWith(", max_age=30", Assert.Single(stale.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-00:05:00")]
    [InlineData("00:00:00")]
    [InlineData("soon")]
    public void A_bad_Sample_StepUpMaxAge_stops_the_app_naming_the_key(string value)
    {
        var errors = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?> { ["Sample:StepUpMaxAge"] = value }));

        Assert.Contains(errors, e => e.Message.Contains($"Sample:StepUpMaxAge must be a positive duration of at least one second such as '00:05:00'; got '{value}'.", StringComparison.Ordinal));
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
    public async Task The_samples_form_sign_in_returns_to_the_page_asked_for_and_never_off_site()
    {
        using var app = new SampleApp();
        using var client = app.Client(cookies: true);

        using var back = await client.PostAsync("/login", Form(("username", "alice"), ("password", "alice-password"), ("ReturnUrl", "/account")));
        Assert.Equal("/account", back.Headers.Location?.OriginalString);
        using var page = await client.SendAsync(HttpMethod.Get, "/account", null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Signed in as <strong>alice</strong>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var offSite in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example/" })
        {
            using var response = await client.PostAsync("/login", Form(("username", "alice"), ("password", "alice-password"), ("ReturnUrl", offSite)));
            Assert.Equal("/", response.Headers.Location?.OriginalString);
        }
    }

    /// <summary>The sample's /api/login captures the request's metadata itself, honouring SessionAuth:CaptureRequestMetadata.</summary>
    [Fact]
    public async Task The_samples_api_login_records_user_agent_and_IP_only_while_CaptureRequestMetadata_is_on()
    {
        using var off = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:CaptureRequestMetadata"] = "false" });
        var recorded = await LoginMetadataAsync(_app);
        Assert.Equal("TestBrowser/1.0", recorded.GetProperty("userAgent").GetString());
        Assert.Equal("127.0.0.1", recorded.GetProperty("ip").GetString());
        Assert.Empty((await LoginMetadataAsync(off)).EnumerateObject());
    }

    private static async Task<JsonElement> LoginMetadataAsync(SampleApp app)
    {
        using var client = app.Client();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TestBrowser/1.0");
        var login = await client.LoginAsync();
        using var response = await client.SendAsync(HttpMethod.Get, "/api/sessions", login.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessions = await response.Content.ReadFromJsonAsync<JsonElement>();
        return sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("metadata");
    }

    /// <summary>The sample maps the library's admin endpoints at /api/admin behind its Admin policy; alice is its demo admin.</summary>
    [Fact]
    public async Task The_demo_admin_manages_sessions_at_api_admin_and_other_users_get_403()
    {
        using var client = _app.Client();
        var alice = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        using var list = await client.SendAsync(HttpMethod.Get, "/api/admin/users/bob/sessions", alice.Token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(bob.SessionId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(HttpMethod.Get, "/api/admin/sessions", bob.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/admin/users/bob/sessions/{bob.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
    }

    private static Task<HttpResponseMessage> PostKeyAsync(HttpClient client, string token) =>
        client.SendAsync(HttpMethod.Post, "/api/keys", token, r => r.Content = JsonContent.Create(new { name = "ci", scopes = new[] { "orders:read" } }));

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<HttpStatusCode> StatusWithCookieAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", "__Host-session=" + token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}

/// <summary>
/// The sample's contract, continued: environment variables override its appsettings.json. A class of its own only because
/// it is not parallel (it changes the process environment).
/// </summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class EnvironmentVariableTests
{
    [Fact]
    public async Task SessionAuth_environment_variables_override_appsettings()
    {
        Environment.SetEnvironmentVariable("SessionAuth__IdleTimeout", "00:02:00");
        Environment.SetEnvironmentVariable("SessionAuth__Store", "Memory");
        try
        {
            using var app = new SampleApp();
            using var client = app.Client();

            var login = await client.LoginAsync();

            Assert.Equal(app.Time.GetUtcNow().AddMinutes(2), login.ExpiresAt);
            app.Time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SessionAuth__IdleTimeout", null);
            Environment.SetEnvironmentVariable("SessionAuth__Store", null);
        }
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
