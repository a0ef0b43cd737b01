using System.Net;
using System.Net.Http.Headers;
using AspNetSessions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MyApp.Tests;

public sealed class MyAppExpiryTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task An_unused_session_expires_after_the_idle_timeout()
    {
        // Every expiry decision reads the app's TimeProvider: replace it with a clock the test moves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var created = await app.Services.GetRequiredService<ISessionManager>().CreateAsync(new SessionCreateRequest { UserId = "alice" });

        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(31));   // the app's SessionAuth:IdleTimeout is 00:30:00
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }
}
