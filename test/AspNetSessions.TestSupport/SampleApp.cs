using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.TestSupport;

/// <summary>
/// samples/WebApp in memory, with a fake clock, optional configuration overrides and optional extra services.
/// Requests come from 127.0.0.1 (the test server has no socket) over https (so Secure cookies are kept).
/// </summary>
public sealed class SampleApp(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Starts at the real time, so cookie expiries mean the same to the client's cookie jar.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public HttpClient Client(bool cookies = false) => CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        HandleCookies = cookies,
        AllowAutoRedirect = false,
    });

    /// <summary>
    /// Serves the app on Kestrel at a free port of 127.0.0.1 instead of the in-memory test server, for clients outside
    /// this process (curl); returns its address, e.g. <c>http://127.0.0.1:40123</c>. Call it before anything else.
    /// </summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    /// <summary>
    /// Starts apps made by <paramref name="create"/> until one fails to start, and returns the failure with all its
    /// inner exceptions. When the app's startup throws, WebApplicationFactory can lose the race with the host's
    /// disposal and report only an <see cref="ObjectDisposedException"/>; that is retried (at most 3 times), any
    /// other outcome is returned as it is. A start that succeeds fails the test.
    /// </summary>
    public static IReadOnlyList<Exception> StartupFailure(Func<SampleApp> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var app = create();
            var error = Record.Exception(() => app.Client().Dispose());
            Assert.True(error is not null, "the app started although its configuration is invalid");
            var all = Flatten(error).ToArray();
            if (attempt < 3 && all.All(e => e is ObjectDisposedException or AggregateException))
            {
                continue;
            }

            return all;
        }
    }

    /// <summary>A startup failure and all its inner exceptions.</summary>
    internal static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : (error.InnerException is { } one ? [one] : []);
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Time);
            s.AddSingleton<IStartupFilter, LoopbackClientFilter>();
            services?.Invoke(s);
        });
    }

    private sealed class LoopbackClientFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The sample's API, as a test client calls it.</summary>
public static class SampleApi
{
    public sealed record Login(string Token, string SessionId, DateTimeOffset ExpiresAt);

    public static async Task<Login> LoginAsync(this HttpClient client, string user = "alice", string? password = null)
    {
        using var response = await client.PostAsJsonAsync("/api/login", new { username = user, password = password ?? user + "-password" });
        return await ReadLoginAsync(response);
    }

    /// <summary>Creates an API key (the sample's second session kind) from a browser session.</summary>
    public static async Task<Login> CreateKeyAsync(this HttpClient client, string sessionToken)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/api/keys", sessionToken);
        return await ReadLoginAsync(response);
    }

    /// <summary>The token of the <c>__Host-session</c> cookie a response sets.</summary>
    public static string SessionCookie(HttpResponseMessage response)
    {
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        var cookie = cookies.SingleOrDefault(c => c.StartsWith("__Host-session=sess_", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No session cookie in a {(int)response.StatusCode} answer to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}; Set-Cookie: [{string.Join(" | ", cookies)}]; body: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        return cookie["__Host-session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>A 200 <c>{"token", "session": {"id", "expiresAt"}}</c> answer (login or API key).</summary>
    private static async Task<Login> ReadLoginAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var session = body.GetProperty("session");
        return new Login(body.GetProperty("token").GetString()!, session.GetProperty("id").GetString()!, session.GetProperty("expiresAt").GetDateTimeOffset());
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    /// <summary>The caller's <c>{"userId", "sessionId", "kind"}</c>: the sample's <c>/api/me</c>, or a minimal host's <c>/me</c> (<see cref="TestEndpoints.MapMe"/>).</summary>
    public static async Task<JsonElement> MeAsync(this HttpClient client, string token, string path = "/api/me")
    {
        using var response = await client.SendAsync(HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpStatusCode> StatusAsync(this HttpClient client, HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await client.SendAsync(method, path, token, configure);
        return response.StatusCode;
    }
}
