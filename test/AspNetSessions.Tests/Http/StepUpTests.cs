using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Step-up freshness (RFC 9470) on a minimal host (<see cref="TestEndpoints.MapStepUp"/>): <c>POST /sensitive</c> needs
/// an authentication within five minutes; a stale session gets 401 with <c>insufficient_user_authentication</c> and
/// <c>max_age</c> (a browser navigation is sent to sign in again), and <c>POST /reauthenticate</c> makes the same session
/// fresh. Time moves on the fake clock.
/// </summary>
public sealed class StepUpTests : IAsyncLifetime
{
    private const string Challenge = "Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent authentication is required\", max_age=300";

    private TestHost _app = null!;

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(
        app =>
        {
            app.MapMe();
            app.MapFormSignIn();
            app.MapStepUp(TimeSpan.FromMinutes(5));
        },
        o => o.LoginPath = "/",
        auth: a => a.AddApiKeys());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_fresh_session_may_do_the_sensitive_action_and_a_stale_one_gets_the_RFC_9470_challenge()
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync("bob");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/sensitive", login.Token));
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/sensitive", login.Token));
        _app.Time.Advance(TimeSpan.FromSeconds(1));

        using var stale = await client.SendAsync(HttpMethod.Post, "/sensitive", login.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(Challenge, Assert.Single(stale.Headers.GetValues("WWW-Authenticate")));
        // Still signed in: only the freshness is missing.
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
    }

    [Fact]
    public async Task Reauthenticating_makes_the_same_session_fresh_again()
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync("alice");
        _app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/sensitive", login.Token));

        using var reauthenticated = await client.SendAsync(HttpMethod.Post, "/reauthenticate", login.Token);

        // Fresh again, under a new token (a step-up rotates it); the session keeps its id.
        Assert.Equal(HttpStatusCode.OK, reauthenticated.StatusCode);
        Assert.False(reauthenticated.Headers.Contains("Set-Cookie"));
        var token = (await reauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/sensitive", token));
        Assert.Equal(login.Session.Id, (await client.MeAsync(token, "/me")).GetProperty("sessionId").GetString());
        _app.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/sensitive", token));
    }

    [Fact]
    public async Task Without_a_session_both_endpoints_answer_the_plain_401_challenge()
    {
        using var client = _app.Client();

        foreach (var path in new[] { "/sensitive", "/reauthenticate" })
        {
            using var response = await client.SendAsync(HttpMethod.Post, path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        }
    }

    [Fact]
    public async Task An_api_key_cannot_reauthenticate_or_do_the_sensitive_action()
    {
        using var client = _app.Client();
        var key = await _app.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme);

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/sensitive", key.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/reauthenticate", key.Token));
    }

    [Fact]
    public async Task A_stale_browser_navigation_is_sent_to_sign_in_again_with_its_return_url_and_the_max_age()
    {
        using var client = _app.Client(cookies: true);
        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        _app.Time.Advance(TimeSpan.FromMinutes(6));
        using var navigation = await client.SendAsync(HttpMethod.Post, "/sensitive", null, r =>
        {
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });
        using var fetch = await client.SendAsync(HttpMethod.Post, "/sensitive", null, r =>
        {
            r.Headers.Add("Sec-Fetch-Mode", "cors");
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });

        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.Equal("/?ReturnUrl=%2Fsensitive&max_age=300", navigation.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, fetch.StatusCode);
        Assert.Equal(Challenge, Assert.Single(fetch.Headers.GetValues("WWW-Authenticate")));
    }
}
