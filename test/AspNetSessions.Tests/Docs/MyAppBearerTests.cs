using System.Net;
using System.Net.Http.Headers;
using AspNetSessions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MyApp.Tests;

public sealed class MyAppBearerTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task A_session_token_authenticates_until_the_session_is_revoked()
    {
        // Signed in without a login endpoint or a password: the app's own session manager creates the session.
        var sessions = factory.Services.GetRequiredService<ISessionManager>();
        var created = await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);

        await sessions.RevokeAsync(created.Session.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }
}
