using System.Net;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Cookie-auth parity: a browser navigation that needs a session is redirected to LoginPath with the page it wanted,
/// and comes back there after signing in; API requests keep their 401 and WWW-Authenticate challenge.
/// </summary>
public sealed class BrowserRedirectTests
{
    [Fact]
    public async Task A_signed_out_browser_navigation_is_sent_to_the_login_page_with_its_return_url()
    {
        using var app = new SampleApp();
        using var client = app.Client();

        using var navigation = await client.SendAsync(HttpMethod.Get, "/account", null, r => r.Headers.Add("Sec-Fetch-Mode", "navigate"));
        using var oldBrowser = await client.SendAsync(HttpMethod.Get, "/account?tab=1", null, r => r.Headers.Add("Accept", "text/html,application/xhtml+xml"));

        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.Equal("/?ReturnUrl=%2Faccount", navigation.Headers.Location?.OriginalString);
        Assert.Equal("/?ReturnUrl=%2Faccount%3Ftab%3D1", oldBrowser.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("Sec-Fetch-Mode", "cors")]                  // fetch()
    [InlineData("X-Requested-With", "XMLHttpRequest")]      // XHR
    [InlineData("Accept", "application/json")]              // an API client
    [InlineData("Authorization", "Bearer sess_nope")]       // a bearer client, even one that accepts HTML
    public async Task Api_requests_keep_their_401_challenge(string header, string value)
    {
        using var app = new SampleApp();
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
        Assert.Equal(header == "X-Requested-With" ? "/?ReturnUrl=%2Faccount" : null, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Signing_in_from_the_login_page_returns_to_the_page_asked_for_and_never_off_site()
    {
        using var app = new SampleApp();
        using var client = app.Client(cookies: true);

        using var back = await client.PostAsync("/login", Form("/account"));
        Assert.Equal("/account", back.Headers.Location?.OriginalString);
        using var page = await client.SendAsync(HttpMethod.Get, "/account", null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Signed in as <strong>alice</strong>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var offSite in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example/" })
        {
            using var response = await client.PostAsync("/login", Form(offSite));
            Assert.Equal("/", response.Headers.Location?.OriginalString);
        }
    }

    private static FormUrlEncodedContent Form(string returnUrl) => new(new Dictionary<string, string>
    {
        ["username"] = "alice",
        ["password"] = "alice-password",
        ["ReturnUrl"] = returnUrl,
    });

    [Fact]
    public async Task A_cross_site_cookie_request_is_refused_with_403_not_redirected()
    {
        using var app = new SampleApp();
        using var client = app.Client(cookies: true);
        using (await client.PostAsync("/login", Form("/")))
        {
        }

        using var response = await client.SendAsync(HttpMethod.Post, "/api/logout", null, r =>
        {
            r.Headers.Add("Sec-Fetch-Site", "cross-site");
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
