using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.TestSupport;

/// <summary>
/// The sign-in state end to end over the sample, for every store: a persistent form sign-in keeps its flag with the
/// session, a stale session gets the RFC 9470 challenge, and a re-authentication (stored by the store) makes it fresh.
/// </summary>
public static class StepUpScenario
{
    public static async Task RunAsync(SampleApp app)
    {
        using var client = app.Client();
        using var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" }));
        var token = SampleApi.SessionCookie(signIn);
        var sessions = app.Services.GetRequiredService<ISessionManager>();
        var signedIn = await sessions.FindAsync(token);
        Assert.NotNull(signedIn);
        Assert.Equal([".persistent"], signedIn.AuthenticationItems.Keys);
        Assert.Equal(signedIn.CreatedAt, signedIn.AuthenticatedAt);

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", token));
        app.Time.Advance(TimeSpan.FromMinutes(6));
        using (var stale = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
            Assert.Contains("error=\"insufficient_user_authentication\"", Assert.Single(stale.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
        }

        string old = token;
        using (var reauthenticate = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", token,
            r => r.Content = JsonContent.Create(new { password = "alice-password" })))
        {
            // A bearer caller gets the rotated token in the body; the old one is dead at once.
            Assert.Equal(HttpStatusCode.OK, reauthenticate.StatusCode);
            token = (await reauthenticate.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        }

        Assert.Null(await sessions.FindAsync(old));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", token));
        var reauthenticated = await sessions.FindAsync(token);
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeMilliseconds(), reauthenticated?.AuthenticatedAt.ToUnixTimeMilliseconds());
        Assert.Equal([".persistent"], reauthenticated?.AuthenticationItems.Keys);
    }
}
