using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions.Tests.Http;

/// <summary>Sliding and absolute expiry over HTTP, with the app's clock advanced by the test, on a minimal host.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task Every_request_slides_the_idle_expiry()
    {
        await using var host = await StartAsync(TimeSpan.FromMinutes(30), TimeSpan.FromDays(1));
        using var client = host.Client(await SignInAsync(host));

        for (var i = 0; i < 6; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(25));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);
        }

        // The listed expiry follows the last request, within the sliding granularity (one minute here).
        var sessions = await client.GetFromJsonAsync<JsonElement>("/api/sessions");
        var expiresAt = sessions.EnumerateArray().Single().GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(host.Time.GetUtcNow().AddMinutes(30) - expiresAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        host.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task An_idle_session_expires_and_is_never_accepted_after()
    {
        await using var host = await StartAsync(TimeSpan.FromMinutes(10), TimeSpan.FromDays(7));
        using var client = host.Client(await SignInAsync(host));

        host.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task The_absolute_timeout_ends_a_session_that_is_used_all_the_time()
    {
        await using var host = await StartAsync(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        using var client = host.Client(await SignInAsync(host));

        for (var i = 0; i < 5; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);
        }

        host.Time.Advance(TimeSpan.FromMinutes(5)); // 60 minutes after creation
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
    }

    private static Task<TestHost> StartAsync(TimeSpan idle, TimeSpan absolute) => TestHost.StartAsync(app =>
    {
        app.MapGet("/me", () => Results.Ok()).RequireAuthorization();
        app.MapSessionEndpoints();
    }, o => (o.IdleTimeout, o.AbsoluteTimeout) = (idle, absolute));

    private static async Task<string> SignInAsync(TestHost host) =>
        (await host.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" })).Token;
}
