using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspNetSessions.Browser.Tests;

/// <summary>
/// Device-bound sessions (DBSC) with real headless Chromium: the sample over https://localhost with a throwaway
/// certificate Chromium trusts by its key (<c>--ignore-certificate-errors-spki-list</c>; DBSC ignores plain-http
/// localhost and any response with a certificate error), and DBSC enabled as chrome://flags "For developers" does,
/// with Chromium's software keys instead of a TPM. What the browser did is seen from both ends: the server's answers on
/// the DBSC endpoints (recorded as each response starts, so before the browser can act on it) and the browser's own
/// account of it, the DevTools protocol's <c>Network.deviceBoundSessionEventOccurred</c> events.
/// </summary>
public sealed class DeviceBoundSessionTests : IAsyncLifetime
{
    private const string Features =
        "DeviceBoundSessions:RequireOriginTrialTokens/false/RefreshQuota/false/CheckSubdomainRegistration/false/OriginTrialFeedback/true/SchemaVersion/2,"
        + "EnableBoundSessionCredentialsSoftwareKeysForManualTesting";

    private const string Cookie = "__Host-session";
    private const string Endpoints = "/.well-known/dbsc/Session/";

    /// <summary>The DBSC endpoints' answers, in order: e.g. <c>refresh 403</c>, <c>refresh+proof 200</c>.</summary>
    private readonly ConcurrentQueue<string> _answers = new();

    private X509Certificate2 _certificate = null!;
    private KestrelSampleApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var spki = Convert.ToBase64String(SHA256.HashData(_certificate.PublicKey.ExportSubjectPublicKeyInfo()));

        Assertions.SetDefaultExpectTimeout(10_000);
        _app = KestrelSampleApp.Start(_certificate, Record);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--ignore-certificate-errors-spki-list=" + spki, "--enable-features=" + Features,
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>
    /// The whole lifecycle. The bound cookie lives 10 minutes; instead of waiting that out, the test deletes it (DevTools
    /// <c>Network.deleteCookies</c>): to Chromium a missing bound cookie is an expired one, so it holds back the next request
    /// in the session's scope and refreshes first.
    /// </summary>
    [Fact]
    public async Task Chromium_registers_refreshes_a_lost_cookie_with_its_key_and_stops_once_the_session_is_revoked()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.BaseUrl });
        var page = await context.NewPageAsync();
        var devtools = await context.NewCDPSessionAsync(page);
        var events = await DevToolsEvents.ListenAsync(devtools);

        // 1. Sign-in: the browser registers its key in the background (DevTools: creation), and the device-bound page opens.
        await page.GotoAsync("/account/device");
        await Expect(SignInButton(page)).ToBeVisibleAsync();
        await page.GetByLabel("Username").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync("alice-password");
        await SignInButton(page).ClickAsync();
        await page.WaitForURLAsync(_app.BaseUrl + "/account/device"); // back where it was sent away from (its status: racing the registration)
        await events.UntilAsync("creation Success");
        Assert.Equal(200, await StatusAsync(page, "/account/device"));
        await page.GotoAsync("/");
        await Expect(page.GetByText("Signed in as alice")).ToBeVisibleAsync();
        Assert.Equal(["registration+proof 200"], _answers);

        // 2. The cookie is gone: the next page load waits while the browser asks for a challenge (403), signs it with its
        // key and gets the next cookie (200); then the page loads, authenticated.
        await DeleteCookieAsync(devtools);
        Assert.Equal(200, (await page.GotoAsync("/account/device"))!.Status);
        await Expect(page).ToHaveTitleAsync("Device-bound");
        Assert.Equal(["registration+proof 200", "refresh 403", "refresh+proof 200"], _answers);
        await events.UntilAsync("refresh Refreshed Success");
        Assert.Equal(["creation Success", "challenge Success", "refresh Refreshed Success"], events.Seen);
        Assert.Equal(200, await StatusAsync(page, "/api/me"));

        // 3. Revoked from another device, through the sample's API: alice signs in with a bearer token, finds the bound
        // session in her list and revokes it. The browser still holds the cookie it got, now refused.
        var sessionId = await RevokeBoundSessionAsync();
        Assert.Equal(401, await StatusAsync(page, "/api/me"));

        // 4. When the browser next needs the cookie, it refreshes; the server says the session is over, the browser ends
        // it and drops its key, and the page is signed out.
        await DeleteCookieAsync(devtools);
        await page.GotoAsync("/account/device");
        await Expect(SignInButton(page)).ToBeVisibleAsync();
        Assert.Equal(["registration+proof 200", "refresh 403", "refresh+proof 200", "refresh 200"], _answers);
        await events.UntilAsync("termination ServerRequested");
        Assert.Equal(
            ["creation Success", "challenge Success", "refresh Refreshed Success", "refresh FatalError ServerRequestedTermination", "termination ServerRequested"],
            events.Seen);
        Assert.Equal([sessionId], events.SessionIds.Distinct());

        // 5. And stops: without the cookie, page loads and fetches go out at once, and not one more refresh is asked for.
        await page.GotoAsync("/account/device");
        await page.ReloadAsync();
        await Expect(SignInButton(page)).ToBeVisibleAsync();
        Assert.Equal(401, await StatusAsync(page, "/api/me"));
        Assert.Equal(4, _answers.Count);
        Assert.Equal(5, events.Seen.Count);
        await context.CloseAsync();
    }

    private void Record(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.StartsWith(Endpoints, StringComparison.Ordinal))
        {
            var proof = context.Request.Headers.ContainsKey("Secure-Session-Response") ? "+proof" : "";
            _answers.Enqueue($"{path[Endpoints.Length..]}{proof} {context.Response.StatusCode}");
        }
    }

    private async Task<string> RevokeBoundSessionAsync()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == _certificate.Thumbprint };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(_app.BaseUrl) };
        using var login = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var sessions = await client.GetFromJsonAsync<JsonElement>("/api/sessions");
        var bound = Assert.Single(sessions.EnumerateArray(), s => s.TryGetProperty("binding", out var b) && b.GetString() == "DeviceBound");
        var id = bound.GetProperty("id").GetString()!;
        using var revoked = await client.DeleteAsync(new Uri("/api/sessions/" + id, UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);
        return id;
    }

    private Task DeleteCookieAsync(ICDPSession devtools) =>
        devtools.SendAsync("Network.deleteCookies", new() { ["name"] = Cookie, ["url"] = _app.BaseUrl + "/" });

    private static ILocator SignInButton(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" });

    private static Task<int> StatusAsync(IPage page, string path) =>
        page.EvaluateAsync<int>("async p => (await fetch(p, { credentials: 'same-origin', redirect: 'manual' })).status", path);

    /// <summary>
    /// The browser's account of its device-bound sessions: <c>Network.deviceBoundSessionEventOccurred</c>, each in a few
    /// words (<c>refresh Refreshed Success</c>). They reach the test on their own DevTools connection, a moment after the
    /// page load they came with: <see cref="UntilAsync"/> waits for one.
    /// </summary>
    private sealed class DevToolsEvents
    {
        private readonly SemaphoreSlim _arrived = new(0);

        public ConcurrentQueue<string> Seen { get; } = new();

        public ConcurrentQueue<string?> SessionIds { get; } = new();

        public static async Task<DevToolsEvents> ListenAsync(ICDPSession devtools)
        {
            var events = new DevToolsEvents();
            devtools.Event("Network.deviceBoundSessionEventOccurred").OnEvent += (_, e) =>
            {
                events.SessionIds.Enqueue(e!.Value.TryGetProperty("sessionId", out var id) ? id.GetString() : null);
                events.Seen.Enqueue(Describe(e.Value));
                events._arrived.Release();
            };
            await devtools.SendAsync("Network.enable");
            await devtools.SendAsync("Network.enableDeviceBoundSessions", new() { ["enable"] = true });
            return events;
        }

        public async Task UntilAsync(string expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Seen.Contains(expected) && await _arrived.WaitAsync(Max(deadline - DateTime.UtcNow)))
            {
            }

            Assert.Contains(expected, Seen);
        }

        /// <summary>One <c>Network.deviceBoundSessionEventOccurred</c> in a few words: its kind and results.</summary>
        private static string Describe(JsonElement e)
        {
            foreach (var (kind, results) in new[]
            {
                ("creation", new[] { "fetchResult" }),
                ("challenge", new[] { "challengeResult" }),
                ("refresh", new[] { "refreshResult", "fetchResult" }),
                ("termination", new[] { "deletionReason" }),
            })
            {
                if (e.TryGetProperty(kind + "EventDetails", out var details))
                {
                    return string.Join(' ', results.Where(r => details.TryGetProperty(r, out _)).Select(r => details.GetProperty(r).GetString()).Prepend(kind));
                }
            }

            return e.ToString();
        }

        private static TimeSpan Max(TimeSpan left) => left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
