using System.Net;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Cookie-auth parity: a browser navigation that needs a session is redirected to LoginPath with the page it wanted;
/// API requests keep their 401 and WWW-Authenticate challenge. On a minimal host; the sample's form sign-in round trip
/// (back to the page asked for, never off site) is in <see cref="SampleContractTests"/>.
/// </summary>
public sealed class BrowserRedirectTests
{
    [Fact]
    public async Task A_signed_out_browser_navigation_is_sent_to_the_login_page_with_its_return_url()
    {
        await using var app = await StartAsync();
        using var client = app.Client();

        using var navigation = await client.SendAsync(HttpMethod.Get, "/account", null, r => r.Headers.Add("Sec-Fetch-Mode", "navigate"));
        using var oldBrowser = await client.SendAsync(HttpMethod.Get, "/account?tab=1", null, r => r.Headers.Add("Accept", "text/html,application/xhtml+xml"));

        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2Faccount", navigation.Headers.Location?.OriginalString);
        Assert.Equal("/signin?ReturnUrl=%2Faccount%3Ftab%3D1", oldBrowser.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Without_a_login_path_a_browser_navigation_gets_the_401()
    {
        await using var app = await StartAsync(loginPath: null);
        using var client = app.Client();

        using var navigation = await client.SendAsync(HttpMethod.Get, "/account", null, r => r.Headers.Add("Sec-Fetch-Mode", "navigate"));

        Assert.Equal(HttpStatusCode.Unauthorized, navigation.StatusCode);
        Assert.Null(navigation.Headers.Location);
    }

    [Theory]
    [InlineData("Sec-Fetch-Mode", "cors")]                  // fetch()
    [InlineData("X-Requested-With", "XMLHttpRequest")]      // XHR
    [InlineData("Accept", "application/json")]              // an API client
    [InlineData("Authorization", "Bearer sess_nope")]       // a bearer client, even one that accepts HTML
    public async Task Api_requests_keep_their_401_challenge(string header, string value)
    {
        await using var app = await StartAsync();
        using var client = app.Client();

        using var response = await client.SendAsync(HttpMethod.Get, "/account", null, r =>
        {
            r.Headers.TryAddWithoutValidation(header, value);
            if (header != "Accept")
            {
                r.Headers.TryAddWithoutValidation("Accept", "text/html"); // would be redirected without the header under test
            }
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        // XHR also gets the login page's URL, as cookie authentication gives it (for script that reads it); the others none.
        Assert.Equal(header == "X-Requested-With" ? "/signin?ReturnUrl=%2Faccount" : null, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_cross_site_cookie_request_is_refused_with_403_not_redirected()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var created = await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        using var response = await client.SendAsync(HttpMethod.Post, "/signout", null, r =>
        {
            r.Headers.Add("Cookie", $"{SessionAuthenticationDefaults.CookieName}={created.Token}");
            r.Headers.Add("Sec-Fetch-Site", "cross-site");
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.NotNull(await app.Sessions.FindByIdAsync(created.Session.Id)); // nothing was signed out
    }

    private static Task<TestHost> StartAsync(string? loginPath = "/signin") => TestHost.StartAsync(
        app =>
        {
            app.MapGet("/account", () => Results.Text("<p>account</p>", "text/html")).RequireAuthorization();
            app.MapPost("/signout", (HttpContext context) => context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme)).RequireAuthorization();
        },
        o => o.LoginPath = loginPath is null ? default : new PathString(loginPath));
}
