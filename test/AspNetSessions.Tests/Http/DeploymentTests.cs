using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// What a deployer must know (docs/deploying.md): the client's IP behind a proxy (the sample's forwarded-headers recipe and
/// its ForwardedHeaders:KnownProxies key), and switching the capture of personal data off (the library's, on a minimal host).
/// </summary>
public sealed class DeploymentTests
{
    private const string Client = "203.0.113.7";
    private const string Proxy = "198.51.100.20";

    [Fact]
    public async Task Behind_a_proxy_on_loopback_the_recorded_IP_is_the_forwarded_client_address()
    {
        using var app = new SampleApp();   // requests come from 127.0.0.1, a proxy on the same machine
        using var client = app.Client();

        var bearer = await SignInAsync(client, forwardedFor: Client);
        var cookie = await CookieSignInAsync(client, forwardedFor: Client);

        Assert.Equal(Client, await RecordedIpAsync(client, bearer));
        Assert.Equal(Client, await RecordedIpAsync(client, cookie));
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_address_that_is_not_a_known_proxy_is_ignored()
    {
        using var app = new SampleApp(services: s => s.AddSingleton<IStartupFilter>(new RemoteAddress(Proxy)));
        using var client = app.Client();

        var token = await SignInAsync(client, forwardedFor: Client);

        Assert.Equal(Proxy, await RecordedIpAsync(client, token));
    }

    [Fact]
    public async Task A_proxy_listed_in_ForwardedHeaders_KnownProxies_is_believed()
    {
        using var app = new SampleApp(
            new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = Proxy },
            s => s.AddSingleton<IStartupFilter>(new RemoteAddress(Proxy)));
        using var client = app.Client();

        var token = await SignInAsync(client, forwardedFor: Client);

        Assert.Equal(Client, await RecordedIpAsync(client, token));
    }

    [Fact]
    public void A_known_proxy_that_is_not_an_IP_address_stops_startup_with_a_message_naming_the_key()
    {
        var errors = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "proxy.internal" }));

        Assert.Contains(errors, e => e.Message.Contains("ForwardedHeaders:KnownProxies must list IP addresses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaptureRequestMetadata_false_records_neither_user_agent_nor_IP()
    {
        var metadata = await SignedInMetadataAsync(new Dictionary<string, string?> { ["SessionAuth:CaptureRequestMetadata"] = "false" });

        Assert.Empty(metadata.EnumerateObject());
    }

    [Fact]
    public async Task By_default_user_agent_and_IP_are_recorded_with_the_session()
    {
        var metadata = await SignedInMetadataAsync(settings: null);

        Assert.Equal("TestBrowser/1.0", metadata.GetProperty("userAgent").GetString());
        Assert.Equal("127.0.0.1", metadata.GetProperty("ip").GetString());
    }

    /// <summary>
    /// Signs in with <c>SignInAsync</c> (the handler's own capture) on a minimal host configured by <paramref name="settings"/>,
    /// from 127.0.0.1 with a user agent, and returns the metadata <c>MapSessionEndpoints</c> lists for that session.
    /// </summary>
    private static async Task<JsonElement> SignedInMetadataAsync(IReadOnlyDictionary<string, string?>? settings)
    {
        await using var host = await TestHost.StartAsync(app =>
        {
            app.MapFormSignIn();
            app.MapSessionEndpoints("/sessions");
        }, services: s => s.AddSingleton<IStartupFilter>(new RemoteAddress("127.0.0.1")), settings: settings);
        using var client = host.Client(cookies: true);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TestBrowser/1.0");
        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var sessions = await client.GetFromJsonAsync<JsonElement>("/sessions");
        return sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("metadata");
    }

    private static async Task<string> SignInAsync(HttpClient client, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login")
        {
            Content = JsonContent.Create(new { username = "alice", password = "alice-password" }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>The browser sign-in (<c>SignInAsync</c>, the handler's own capture); returns the cookie's token.</summary>
    private static async Task<string> CookieSignInAsync(HttpClient client, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return SampleApi.SessionCookie(response);
    }

    private static async Task<string?> RecordedIpAsync(HttpClient client, string token) =>
        (await CurrentSessionAsync(client, token)).GetProperty("metadata").GetProperty("ip").GetString();

    private static async Task<JsonElement> CurrentSessionAsync(HttpClient client, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "/api/sessions", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessions = await response.Content.ReadFromJsonAsync<JsonElement>();
        return sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean());
    }

    /// <summary>Makes every request arrive from <paramref name="address"/> (the test server has no socket).</summary>
    private sealed class RemoteAddress(string address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
