using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MyApp.Tests;

public sealed class MyAppCookieTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task A_browser_sign_in_keeps_the_session_cookie_until_sign_out()
    {
        // The __Host-session cookie is Secure: the client's cookie jar sends it back only to an https address.
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var credentials = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["password"] = "alice-password",
        });
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/login", credentials)).StatusCode);   // 302 to /, followed
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);

        using var nothing = new FormUrlEncodedContent([]);
        await browser.PostAsync("/logout", nothing);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }
}
