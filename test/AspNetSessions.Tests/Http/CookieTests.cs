using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Browser sign-in: the cookie's attributes, cookie authentication, sign-out, fixation and CSRF. On a minimal host with a
/// form sign-in and sign-out (<see cref="TestEndpoints.MapFormSignIn"/>), an API sign-out, /me and /sessions.
/// </summary>
public sealed class CookieTests : IAsyncLifetime
{
    private TestHost _app = null!;

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(app =>
    {
        app.MapMe();
        app.MapFormSignIn();
        app.MapLogout();
        app.MapSessionEndpoints("/sessions");
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_in_sets_a_host_only_secure_http_only_lax_cookie()
    {
        using var client = _app.Client();
        using var response = await SignInAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-session=sess_", cookie, StringComparison.Ordinal);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToArray();
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cookie_authenticates_requests()
    {
        using var client = _app.Client(cookies: true);
        (await SignInAsync(client)).Dispose();

        using var response = await client.GetAsync("/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Sign_out_revokes_the_session_and_deletes_the_cookie()
    {
        using var client = _app.Client(cookies: true);
        using var signIn = await SignInAsync(client);
        var token = SampleApi.SessionCookie(signIn);

        using var response = await client.PostAsync("/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-session=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_again_starts_a_fresh_session_and_revokes_the_old_one()
    {
        using var client = _app.Client(cookies: true);
        using var first = await SignInAsync(client);
        var oldToken = SampleApi.SessionCookie(first);

        using var second = await SignInAsync(client);
        var newToken = SampleApi.SessionCookie(second);

        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", oldToken));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", newToken));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%00%ff")]
    [InlineData("a=b; __Host-session=c")]
    public async Task Garbage_cookies_are_401(string value)
    {
        using var client = _app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + value);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_bearer_header_comes_before_the_cookie()
    {
        using var client = _app.Client(cookies: true);
        (await SignInAsync(client, "bob")).Dispose();
        var alice = await _app.CreateSessionAsync("alice");

        Assert.Equal("alice", (await client.MeAsync(alice.Token, "/me")).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", "sess_bad"));
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_cross_site_unsafe_request_with_the_cookie_is_refused(string header, string value)
    {
        using var client = _app.Client(cookies: true);
        (await SignInAsync(client)).Dispose();

        using var response = await client.SendAsync(HttpMethod.Post, "/logout", null, r => r.Headers.TryAddWithoutValidation(header, value));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cross-site request refused.", problem.GetProperty("title").GetString());
        Assert.Contains("another site's page (Sec-Fetch-Site or Origin)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode); // still signed in
    }

    [Fact]
    public async Task Same_origin_unsafe_requests_and_cross_site_reads_with_the_cookie_pass()
    {
        using var client = _app.Client(cookies: true);
        (await SignInAsync(client)).Dispose();

        using var read = await client.SendAsync(HttpMethod.Get, "/me", null, r => r.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site"));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        using var write = await client.SendAsync(HttpMethod.Delete, "/sessions", null, r =>
        {
            r.Headers.TryAddWithoutValidation("Origin", "https://localhost");
            r.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        });
        Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
    }

    [Fact]
    public async Task Bearer_requests_are_not_subject_to_the_cross_site_check()
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync();

        var status = await client.StatusAsync(HttpMethod.Post, "/logout", login.Token, r => r.Headers.TryAddWithoutValidation("Origin", "https://elsewhere.example"));

        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Origin", "https://localhost")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    public async Task A_same_origin_form_signs_in_and_out_without_a_token_field(string? header, string? value)
    {
        using var client = _app.Client();
        void SameSite(HttpRequestMessage r)
        {
            if (header is not null)
            {
                r.Headers.TryAddWithoutValidation(header, value);
            }
        }

        using var signIn = await client.SendAsync(HttpMethod.Post, "/login", null, r => { r.Content = Form("alice"); SameSite(r); });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var token = SampleApi.SessionCookie(signIn);
        Assert.True(signIn.Headers.CacheControl?.NoStore);

        using var signOut = await client.SendAsync(HttpMethod.Post, "/signout", null, r => { r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + token); SameSite(r); });
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.True(signOut.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", token));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Origin", "https://attacker.example")]
    public async Task A_cross_site_form_cannot_sign_the_browser_in_or_out(string header, string value)
    {
        using var client = _app.Client();
        using var login = await client.SendAsync(HttpMethod.Post, "/login", null, r => { r.Content = Form("bob"); r.Headers.TryAddWithoutValidation(header, value); });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie"));

        using var signIn = await SignInAsync(client);
        var token = SampleApi.SessionCookie(signIn);
        using var logout = await client.SendAsync(HttpMethod.Post, "/signout", null, r =>
        {
            r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + token);
            r.Headers.TryAddWithoutValidation(header, value);
        });
        Assert.Equal(HttpStatusCode.Forbidden, logout.StatusCode);
        Assert.False(logout.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", token));
    }

    private static FormUrlEncodedContent Form(string user) => new(new Dictionary<string, string> { ["username"] = user });

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string user = "alice") => client.PostAsync("/login", Form(user));
}
