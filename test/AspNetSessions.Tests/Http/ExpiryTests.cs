using System.Net;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>Sliding and absolute expiry over HTTP, with the app's clock advanced by the test.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task Every_request_slides_the_idle_expiry()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:30:00", ["SessionAuth:AbsoluteTimeout"] = "1.00:00:00" });
        using var client = app.Client();
        var login = await client.LoginAsync();

        for (var i = 0; i < 6; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(25));
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        // The listed expiry follows the last request, within the sliding granularity (one minute here).
        var sessions = await SessionsAsync(client, login.Token);
        var expiresAt = sessions.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(app.Time.GetUtcNow().AddMinutes(30) - expiresAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        app.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task An_idle_session_expires_and_is_never_accepted_after()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:10:00" });
        using var client = app.Client();
        var login = await client.LoginAsync();

        app.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task The_absolute_timeout_ends_a_session_that_is_used_all_the_time()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:30:00", ["SessionAuth:AbsoluteTimeout"] = "01:00:00" });
        using var client = app.Client();
        var login = await client.LoginAsync();

        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        app.Time.Advance(TimeSpan.FromMinutes(5)); // 60 minutes after creation
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task The_login_response_reports_the_configured_lifetime()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:05:00" });
        using var client = app.Client();

        var login = await client.LoginAsync();

        Assert.Equal(app.Time.GetUtcNow().AddMinutes(5), login.ExpiresAt);
    }

    private static async Task<System.Text.Json.JsonElement> SessionsAsync(HttpClient client, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "/api/sessions", token);
        var sessions = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        return sessions.EnumerateArray().Single();
    }
}
