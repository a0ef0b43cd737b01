using System.Net;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The migration recipe of docs/cookie-migration.md, as written: both schemes side by side behind a
/// policy scheme; browsers that still hold the old cookie stay signed in, new sign-ins get a session, sign-out ends both.
/// </summary>
public sealed class CookieMigrationTests
{
    [Fact]
    public async Task Old_cookies_keep_working_new_sign_ins_are_sessions_and_sign_out_ends_both()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        client.BaseAddress = new Uri("https://localhost");

        using var old = await client.PostAsync("/signin-old", null);
        var oldCookie = old.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
        oldCookie = oldCookie[..oldCookie.IndexOf(';', StringComparison.Ordinal)];
        using var signedIn = await client.PostAsync("/signin", null);
        var session = "__Host-session=" + SampleApi.SessionCookie(signedIn);

        Assert.Equal("legacy-user via Cookies", await WhoAsync(client, oldCookie));
        Assert.Equal("new-user via Session", await WhoAsync(client, session));
        Assert.Equal("new-user via Session", await WhoAsync(client, session + "; " + oldCookie));
        using (var anonymous = await client.GetAsync("/who"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", Assert.Single(anonymous.Headers.GetValues("WWW-Authenticate")));
        }

        var signOut = new HttpRequestMessage(HttpMethod.Post, "/signout");
        signOut.Headers.Add("Cookie", session + "; " + oldCookie);
        signOut.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var signedOut = await client.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(2, signedOut.Headers.GetValues("Set-Cookie").Count(c => c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/who");
        stale.Headers.Add("Cookie", session);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(stale)).StatusCode);
    }

    private static async Task<string> WhoAsync(HttpClient client, string cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/who");
        request.Headers.Add("Cookie", cookies);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();

        // The recipe: sessions for new sign-ins, the old cookie handler still reading the cookies it issued.
        builder.Services.AddSessionAuth();   // (the test's output folder holds the sample's appsettings.json, so not its section)
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = "SessionOrCookie";
                o.DefaultChallengeScheme = SessionAuthenticationDefaults.AuthenticationScheme;
                o.DefaultSignInScheme = SessionAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie()   // as before: same scheme name, cookie name and data protection keys, so old cookies still decrypt
            .AddPolicyScheme("SessionOrCookie", "Session, else the old cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 || context.Request.Cookies.ContainsKey("__Host-session")
                    ? SessionAuthenticationDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme);

        var app = builder.Build();
        app.UseSessionAuth();
        app.MapGet("/who", (ClaimsPrincipal user) => $"{user.FindFirstValue(ClaimTypes.NameIdentifier)} via {user.Identity!.AuthenticationType}").RequireAuthorization();
        app.MapPost("/signin-old", async (HttpContext context) =>
        {
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "legacy-user")], CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.NoContent();
        });
        app.MapPost("/signin", async (HttpContext context) =>
        {
            await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "new-user")], "password")));
            return Results.NoContent();
        });
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });
        await app.StartAsync();
        return app;
    }
}
