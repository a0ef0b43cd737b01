using System.Net;
using System.Net.WebSockets;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The sample's <c>GET /api/live</c> (a WebSocket, bearer or cookie) with a real client over Kestrel, and its
/// new-device log line and device cookie: the contract other checks depend on. What the library does underneath is
/// tested on minimal hosts: live connections closing when their session ends in <see cref="LiveConnectionTests"/>, the
/// new-device signal of the created event in <see cref="NewDeviceTests"/>.
/// </summary>
public sealed class SampleLiveTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_bearer_socket_says_hello_is_closed_with_1008_by_sign_out_and_the_token_cannot_open_another()
    {
        using var app = new SampleApp();
        var address = app.StartOnKestrel();
        using var client = new HttpClient { BaseAddress = address };
        var login = await client.LoginAsync("alice");

        using var socket = await LiveSocket.ConnectAsync(address, "/api/live", login.Token);
        Assert.Equal("hello", socket.Hello.GetProperty("type").GetString());
        Assert.Equal("alice", socket.Hello.GetProperty("userId").GetString());
        Assert.Equal(login.SessionId, socket.Hello.GetProperty("sessionId").GetString());
        Assert.Equal("echo", await socket.EchoAsync("echo"));

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
        Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(address, "/api/live", login.Token));
    }

    [Fact]
    public async Task A_cookie_socket_is_closed_when_another_session_of_the_user_revokes_it()
    {
        using var app = new SampleApp();
        var address = app.StartOnKestrel();
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
        using var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" }));
        var cookie = SampleApi.SessionCookie(signIn);
        var bearer = await client.LoginAsync("alice");

        using var socket = await LiveSocket.ConnectAsync(address, "/api/live", cookie: "__Host-session=" + cookie);
        var sessionId = socket.Hello.GetProperty("sessionId").GetString();
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions/" + sessionId, bearer.Token));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
    }

    [Fact]
    public async Task A_sign_in_from_a_new_device_is_logged_once_per_device_with_the_stub_location_and_the_page_gives_each_browser_a_device_id()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new SampleApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        const string chromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        const string firefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

        await LoginAsync(chromeOnWindows);
        await LoginAsync(chromeOnWindows.Replace("131.0.0.0", "132.0.0.0", StringComparison.Ordinal)); // an update: the same device
        await LoginAsync(firefoxOnLinux);

        var lines = logs.Lines.Where(l => l.Contains("new device sign-in for", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains("new device sign-in for alice: Chrome on Windows from this machine", lines[0], StringComparison.Ordinal);
        Assert.Contains("new device sign-in for alice: Firefox on Linux from this machine", lines[1], StringComparison.Ordinal);

        // A browser: the sign-in page gives it a device id once, and its cookie sign-in records it.
        using var browser = app.Client();
        using var page = await browser.GetAsync("/");
        var deviceCookie = Assert.Single(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-device=", StringComparison.Ordinal));
        Assert.Matches("^__Host-device=[0-9a-f]{32}; max-age=34560000; path=/; secure; samesite=lax; httponly$", deviceCookie);
        var device = deviceCookie[..deviceCookie.IndexOf(';', StringComparison.Ordinal)];
        using var again = await browser.SendAsync(HttpMethod.Get, "/", null, r => r.Headers.Add("Cookie", device));
        Assert.False(again.Headers.Contains("Set-Cookie"));
        await FormSignInAsync(); // Chrome on Windows, known, but with this browser's id: a new device
        await FormSignInAsync(); // the same browser again
        Assert.Equal(3, logs.Lines.Count(l => l.Contains("new device sign-in for alice", StringComparison.Ordinal)));

        async Task FormSignInAsync()
        {
            using var signIn = await browser.SendAsync(HttpMethod.Post, "/login", null, r =>
            {
                r.Headers.Add("Cookie", device);
                r.Headers.TryAddWithoutValidation("User-Agent", chromeOnWindows);
                r.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });
            });
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        async Task LoginAsync(string userAgent)
        {
            client.DefaultRequestHeaders.Remove("User-Agent");
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
            await client.LoginAsync("alice");
        }
    }
}
