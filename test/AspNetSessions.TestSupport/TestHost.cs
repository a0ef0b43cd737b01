using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
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

    /// <summary>
    /// Starts the app: <paramref name="endpoints"/> maps what the test calls. With <paramref name="settings"/> (keys such as
    /// <c>SessionAuth:IdleTimeout</c>) the <c>SessionAuth</c> section of those settings alone configures it, before
    /// <paramref name="configure"/>.
    /// </summary>
    public static async Task<TestHost> StartAsync(
        Action<WebApplication> endpoints,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null,
        bool kestrel = false,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var app = CreateBuilder(time, configure, services, auth, kestrel, settings).Build();
        if (kestrel)
        {
            app.UseWebSockets();
        }

        app.UseSessionAuth();
        endpoints(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestHost(app, time, kestrel);
    }

    /// <summary>Starts an app with <paramref name="settings"/> that must fail to start; the failure with all its inner exceptions.</summary>
    public static async Task<IReadOnlyList<Exception>> StartupFailureAsync(IReadOnlyDictionary<string, string?> settings, Action<SessionAuthBuilder>? auth = null)
    {
        var error = await Record.ExceptionAsync(async () => await (await StartAsync(_ => { }, auth: auth, settings: settings)).DisposeAsync());
        Assert.True(error is not null, "the app started although its configuration is invalid");
        return SampleApp.Flatten(error).ToArray();
    }

    /// <summary>
    /// The builder of such an app before its pipeline: TestServer (or Kestrel), no log output, <paramref name="time"/>,
    /// <c>AddSessionAuth</c> (<paramref name="auth"/> adds to it, e.g. a kind). Its <c>SessionAuth</c> section is never the one
    /// of the appsettings.json in the test's output folder (the sample's): <paramref name="settings"/> or none.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(
        FakeTimeProvider time,
        Action<SessionAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<SessionAuthBuilder>? auth = null,
        bool kestrel = false,
        IReadOnlyDictionary<string, string?>? settings = null)
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
        var section = settings is null ? null : new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("SessionAuth");
        var sessionAuth = builder.Services.AddSessionAuth(section, o => configure?.Invoke(o));
        auth?.Invoke(sessionAuth);
        return builder;
    }

    /// <summary>Creates a session of <paramref name="user"/> as a sign-in would (of <paramref name="kind"/>, the default kind if null).</summary>
    public Task<CreatedSession> CreateSessionAsync(string user = "alice", string? kind = null) =>
        (kind is null ? Sessions : app.Services.GetRequiredKeyedService<ISessionManager>(kind)).CreateAsync(new SessionCreateRequest { UserId = user });

    /// <summary>
    /// A client of the app at <see cref="BaseAddress"/>, with <paramref name="token"/> as its bearer token; with
    /// <paramref name="cookies"/> it keeps the cookies it is sent, as a browser does (on Kestrel it always does).
    /// </summary>
    public HttpClient Client(string? token = null, bool cookies = false)
    {
        var client = kestrel ? new HttpClient()
            : cookies ? new HttpClient(new CookieContainerHandler { InnerHandler = app.GetTestServer().CreateHandler() })
            : app.GetTestServer().CreateClient();
        client.BaseAddress = BaseAddress;
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
