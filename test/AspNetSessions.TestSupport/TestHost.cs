using System.Net.Http.Headers;
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
/// so a change to the sample never breaks it; the sample's HTTP contract has its own tests.
/// </summary>
public sealed class TestHost(WebApplication app, FakeTimeProvider time) : IAsyncDisposable
{
    public FakeTimeProvider Time { get; } = time;

    public IServiceProvider Services => app.Services;

    public ISessionManager Sessions => app.Services.GetRequiredService<ISessionManager>();

    /// <summary>Starts the app: <paramref name="endpoints"/> maps what the test calls.</summary>
    public static async Task<TestHost> StartAsync(
        Action<WebApplication> endpoints,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var app = CreateBuilder(time, configure, services, auth).Build();
        app.UseSessionAuth();
        endpoints(app);
        await app.StartAsync();
        return new TestHost(app, time);
    }

    /// <summary>
    /// The builder of such an app before its pipeline: TestServer, no log output, <paramref name="time"/>, <c>AddSessionAuth</c>
    /// (<paramref name="auth"/> adds to it, e.g. a kind).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(
        FakeTimeProvider time,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        services?.Invoke(builder.Services);
        var sessionAuth = builder.Services.AddSessionAuth(o => configure?.Invoke(o));
        auth?.Invoke(sessionAuth);
        return builder;
    }

    /// <summary>A client of the in-memory server at <c>https://localhost</c>, with <paramref name="token"/> as its bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = app.GetTestServer().CreateClient();
        client.BaseAddress = new Uri("https://localhost");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
