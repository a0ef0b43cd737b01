using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.TestSupport;

/// <summary>
/// A minimal app of a test's own (as aspnetcore's <c>CookieTests</c> build theirs): <c>AddSessionAuth</c> on an in-memory
/// TestServer with a fake clock, the test's endpoints behind <c>UseSessionAuth()</c>. Library behaviour is tested here,
/// so a change to the sample never breaks it; the sample's HTTP contract has its own tests. With <c>kestrel</c> it listens on a
/// free port of 127.0.0.1 instead, for real WebSocket and SignalR clients (<see cref="BaseAddress"/>).
/// </summary>
public sealed class TestHost(WebApplication app, FakeTimeProvider time, bool kestrel = false) : IAsyncDisposable
{
    public FakeTimeProvider Time { get; } = time;

    public IServiceProvider Services => app.Services;

    public ISessionManager Sessions => app.Services.GetRequiredService<ISessionManager>();

    /// <summary>Where the app listens: <c>https://localhost</c> in memory, e.g. <c>http://127.0.0.1:40123</c> on Kestrel.</summary>
    public Uri BaseAddress => kestrel ? new Uri(app.Urls.Single()) : new Uri("https://localhost");

    /// <summary>Starts the app: <paramref name="endpoints"/> maps what the test calls.</summary>
    public static async Task<TestHost> StartAsync(
        Action<WebApplication> endpoints,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null,
        bool kestrel = false)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var app = CreateBuilder(time, configure, services, auth, kestrel).Build();
        if (kestrel)
        {
            app.UseWebSockets();
        }

        app.UseSessionAuth();
        endpoints(app);
        await app.StartAsync();
        return new TestHost(app, time, kestrel);
    }

    /// <summary>
    /// The builder of such an app before its pipeline: TestServer (or Kestrel), no log output, <paramref name="time"/>,
    /// <c>AddSessionAuth</c> (<paramref name="auth"/> adds to it, e.g. a kind).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(
        FakeTimeProvider time,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null,
        bool kestrel = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        if (kestrel)
        {
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        services?.Invoke(builder.Services);
        var sessionAuth = builder.Services.AddSessionAuth(o => configure?.Invoke(o));
        auth?.Invoke(sessionAuth);
        return builder;
    }

    /// <summary>A client of the app at <see cref="BaseAddress"/>, with <paramref name="token"/> as its bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = kestrel ? new HttpClient() : app.GetTestServer().CreateClient();
        client.BaseAddress = BaseAddress;
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
