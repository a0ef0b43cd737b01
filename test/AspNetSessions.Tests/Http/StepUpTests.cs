using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Step-up freshness (RFC 9470) over the sample: <c>POST /api/account/sensitive</c> needs an authentication within
/// <c>Sample:StepUpMaxAge</c>; a stale session gets 401 with <c>insufficient_user_authentication</c> and <c>max_age</c>
/// (a browser navigation is sent to sign in again), and <c>POST /api/reauthenticate</c> makes the same session fresh.
/// Time moves on the fake clock.
/// </summary>
public sealed class StepUpTests
{
    private const string Challenge = "Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent authentication is required\", max_age=300";

    [Fact]
    public async Task A_fresh_session_may_do_the_sensitive_action_and_a_stale_one_gets_the_RFC_9470_challenge()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("bob");

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));
        app.Time.Advance(TimeSpan.FromSeconds(1));

        using var stale = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", login.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(Challenge, Assert.Single(stale.Headers.GetValues("WWW-Authenticate")));
        // Still signed in: only the freshness is missing.
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task The_shared_step_up_scenario_holds_on_the_memory_store()
    {
        using var app = new SampleApp();
        await StepUpScenario.RunAsync(app);
    }

    [Fact]
    public async Task Reauthenticating_makes_the_same_session_fresh_again()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));

        using var reauthenticated = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", login.Token,
            r => r.Content = JsonContent.Create(new { password = "alice-password" }));

        // Fresh again, under a new token (a step-up rotates it); the session keeps its id.
        Assert.Equal(HttpStatusCode.OK, reauthenticated.StatusCode);
        Assert.False(reauthenticated.Headers.Contains("Set-Cookie"));
        var token = (await reauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", token));
        Assert.Equal(login.SessionId, (await client.MeAsync(token)).GetProperty("sessionId").GetString());
        app.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", token));
    }

    [Theory]
    [InlineData("{\"password\":\"wrong\"}", "The password is not correct.")]
    [InlineData("{\"password\":\"bob-password\"}", "The password is not correct.")]   // another user's password
    [InlineData("{}", "Expected a JSON body")]
    [InlineData("{\"password\":", null)]
    [InlineData("[]", null)]
    public async Task A_failed_reauthentication_is_a_400_with_problem_details_and_changes_nothing(string body, string? title)
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(10));

        using var response = await client.SendAsync(HttpMethod.Post, "/api/reauthenticate", login.Token,
            r => r.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        if (title is not null)
        {
            Assert.StartsWith(title, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", login.Token));
    }

    [Fact]
    public async Task Without_a_session_both_endpoints_answer_the_plain_401_challenge()
    {
        using var app = new SampleApp();
        using var client = app.Client();

        foreach (var path in new[] { "/api/account/sensitive", "/api/reauthenticate" })
        {
            using var response = await client.SendAsync(HttpMethod.Post, path, null, r => r.Content = JsonContent.Create(new { password = "alice-password" }));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        }
    }

    [Fact]
    public async Task An_api_key_cannot_reauthenticate_or_do_the_sensitive_action()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var key = await client.CreateKeyAsync((await client.LoginAsync("alice")).Token);

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/account/sensitive", key.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/reauthenticate", key.Token,
            r => r.Content = JsonContent.Create(new { password = "alice-password" })));
    }

    [Fact]
    public async Task A_stale_browser_navigation_is_sent_to_sign_in_again_with_its_return_url_and_the_max_age()
    {
        using var app = new SampleApp();
        using var client = app.Client(cookies: true);
        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        app.Time.Advance(TimeSpan.FromMinutes(6));
        using var navigation = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", null, r =>
        {
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });
        using var fetch = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", null, r =>
        {
            r.Headers.Add("Sec-Fetch-Mode", "cors");
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });

        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.Equal("/?ReturnUrl=%2Fapi%2Faccount%2Fsensitive&max_age=300", navigation.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, fetch.StatusCode);
        Assert.Equal(Challenge, Assert.Single(fetch.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact]
    public async Task Sample_StepUpMaxAge_sets_the_max_age()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["Sample:StepUpMaxAge"] = "00:00:30" });
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromSeconds(31));

        using var stale = await client.SendAsync(HttpMethod.Post, "/api/account/sensitive", login.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.EndsWith(", max_age=30", Assert.Single(stale.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-00:05:00")]
    [InlineData("00:00:00")]
    [InlineData("soon")]
    public void A_bad_Sample_StepUpMaxAge_stops_the_app_naming_the_key(string value)
    {
        var errors = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?> { ["Sample:StepUpMaxAge"] = value }));

        Assert.Contains(errors, e => e.Message.Contains($"Sample:StepUpMaxAge must be a positive duration of at least one second such as '00:05:00'; got '{value}'.", StringComparison.Ordinal));
    }
}
