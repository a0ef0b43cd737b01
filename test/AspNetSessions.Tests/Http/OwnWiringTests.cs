using System.Net;
using System.Text.Json;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Apps that wire <c>UseAuthentication()</c> + <c>UseAuthorization()</c> themselves instead of <c>UseSessionAuth()</c>
/// still answer 503 (never 500) when their own endpoints meet a store outage: with ASP.NET Core's exception handler
/// and problem details, without any, and in Development (developer exception page). The outage is logged once.
/// </summary>
public sealed class OwnWiringTests
{
    [Theory]
    [InlineData("bare", "Production")]
    [InlineData("exception-handler", "Production")]
    [InlineData("bare", "Development")]
    public async Task Create_and_revoke_in_the_apps_own_endpoints_answer_503_during_an_outage(string wiring, string environment)
    {
        var store = new FaultInjectingStore(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance));
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(wiring, environment, store, logs);
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/signin", null)).StatusCode);
        store.Unavailable = true;

        foreach (var path in new[] { "/signin", "/revoke", "/signin" })
        {
            using var response = await client.PostAsync(path, null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            if (wiring == "exception-handler")
            {
                using var problem = JsonDocument.Parse(body);
                Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            }
        }

        // The outage is one warning, however many requests meet it.
        Assert.Single(logs.Lines, l => l.Contains("[1302]", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> StartAsync(string wiring, string environment, ISessionStore store, ILoggerProvider logs)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSessionAuth().AddStore("Faulty", _ => store);
        if (wiring == "exception-handler")
        {
            builder.Services.AddProblemDetails();
        }

        var app = builder.Build();
        if (wiring == "exception-handler")
        {
            app.UseExceptionHandler();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/signin", async (ISessionManager sessions) =>
            (await sessions.CreateAsync(new SessionCreateRequest { UserId = "carol" })).Session.Id);
        app.MapPost("/revoke", async (ISessionManager sessions) =>
            await sessions.RevokeAllAsync("carol"));
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Health_checks_during_an_outage_log_it_once_and_its_end_without_stacks()
    {
        var store = new FaultInjectingStore(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance));
        var logs = new CapturingLoggerProvider();
        await using var app = await TestHost.StartAsync(
            a =>
            {
                a.MapMe();
                a.MapHealthChecks("/healthz");
            },
            services: s =>
            {
                s.AddSingleton<ISessionStore>(store);
                s.AddLogging(l => l.AddProvider(logs));
            });
        using var client = app.Client();
        var login = await app.CreateSessionAsync();

        store.Unavailable = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
        }

        store.Unavailable = false;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        Assert.Single(logs.Lines, l => l.Contains("[1302]", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("AspNetSessions.SessionAuthenticationHandler", StringComparison.Ordinal));
    }
}
