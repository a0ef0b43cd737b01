using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspNetSessions.Browser.Tests;

/// <summary>
/// The sample's page (samples/WebApp/wwwroot) in real headless Chromium against the sample on Kestrel over
/// http://127.0.0.1: each browser context is one "device" with its own cookie jar. The default cookie settings are
/// kept (<c>__Host-session</c>, Secure): Chromium treats loopback http as a potentially trustworthy origin.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SessionsPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _devices = [];
    private readonly List<string> _browserErrors = [];
    private KestrelSampleApp _app = null!;

    public Task InitializeAsync()
    {
        _app = KestrelSampleApp.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.CloseAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task One_device_revokes_another_which_is_then_signed_out()
    {
        var a = await NewDeviceAsync();
        var b = await NewDeviceAsync();
        await SignInAsync(a);
        await SignInAsync(b);

        // The Secure, HttpOnly, __Host- cookie was accepted over http://127.0.0.1, and scripts cannot read it.
        var cookie = Assert.Single(await b.Context.CookiesAsync(), c => c.Name == "__Host-session");
        Assert.StartsWith("sess_", cookie.Value, StringComparison.Ordinal);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("", await b.EvaluateAsync<string>("document.cookie"));

        await a.ReloadAsync();
        var sessions = Sessions(a);
        await Expect(sessions).ToHaveCountAsync(2);
        await Expect(sessions.Filter(new() { HasText = "This device" })).ToHaveCountAsync(1);
        var other = sessions.Filter(new() { HasNotText = "This device" });
        await Expect(other).ToContainTextAsync("Chrome on Linux");
        await Expect(other).ToContainTextAsync("127.0.0.1");
        await Expect(sessions.Filter(new() { HasText = "This device" }).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await ScreenshotAsync(a, "revoke-1-two-sessions");

        await other.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(a.GetByRole(AriaRole.Status)).ToHaveTextAsync("Session revoked.");
        await Expect(sessions).ToHaveCountAsync(1);
        await Expect(sessions).ToContainTextAsync("This device");
        await Expect(a.GetByRole(AriaRole.Button, new() { Name = "Sign out all other sessions" })).ToBeDisabledAsync();
        await ScreenshotAsync(a, "revoke-2-one-session-left");

        await b.ReloadAsync();
        await ExpectSignedOutAsync(b);
        await ScreenshotAsync(b, "revoke-3-other-device-signed-out");
        Assert.Equal(401, await MeStatusAsync(b));
        Assert.Equal(200, await MeStatusAsync(a));
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_signs_nobody_in()
    {
        var page = await NewDeviceAsync();

        await SignInAsync(page, password: "not-the-password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");
        await ExpectSignedOutAsync(page);
        await Expect(page).ToHaveURLAsync(_app.BaseUrl + "/"); // the ?error=1 is dropped, so a reload does not repeat it
        await ScreenshotAsync(page, "wrong-password");
        Assert.Equal(401, await MeStatusAsync(page));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-session");

        await SignInAsync(page);
        await Expect(page.GetByText("Signed in as alice")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_signed_out_page_says_what_the_demo_is_and_shows_the_demo_accounts()
    {
        var page = await NewDeviceAsync();
        await page.GotoAsync("/");
        await ExpectSignedOutAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What this demo is" })).ToBeVisibleAsync();
        await Expect(page.Locator("#about")).ToContainTextAsync("server-side sessions for ASP.NET Core");
        var accounts = page.GetByRole(AriaRole.Table, new() { Name = "Demo accounts" });
        await Expect(accounts).ToBeVisibleAsync();
        var rows = accounts.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell) });
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Filter(new() { HasText = "alice" })).ToContainTextAsync(["alice-password"]);
        await Expect(rows.Filter(new() { HasText = "alice" })).ToContainTextAsync(["admin"]);
        await Expect(rows.Filter(new() { HasText = "bob" })).ToContainTextAsync(["bob-password"]);
        await ScreenshotAsync(page, "signed-out-demo-accounts");

        // The accounts shown are the ones that work: bob signs in with what the page says, and the text is gone.
        await SignInAsync(page, "bob", "bob-password");
        await Expect(page.GetByText("Signed in as bob")).ToBeVisibleAsync();
        await Expect(accounts).ToBeHiddenAsync();
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Sign_out_all_other_sessions_leaves_only_this_device()
    {
        var a = await NewDeviceAsync();
        var b = await NewDeviceAsync();
        var c = await NewDeviceAsync();
        await SignInAsync(a);
        await SignInAsync(b);
        await SignInAsync(c);
        await a.ReloadAsync();
        await Expect(Sessions(a)).ToHaveCountAsync(3);
        await ScreenshotAsync(a, "revoke-all-1-three-sessions");

        await a.GetByRole(AriaRole.Button, new() { Name = "Sign out all other sessions" }).ClickAsync();

        await Expect(a.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out all other sessions.");
        await Expect(Sessions(a)).ToHaveCountAsync(1);
        await Expect(Sessions(a)).ToContainTextAsync("This device");
        await ScreenshotAsync(a, "revoke-all-2-only-this-device");
        foreach (var other in new[] { b, c })
        {
            await other.ReloadAsync();
            await ExpectSignedOutAsync(other);
            Assert.Equal(401, await MeStatusAsync(other));
        }

        Assert.Equal(200, await MeStatusAsync(a));
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Sign_out_returns_to_the_sign_in_form()
    {
        var page = await NewDeviceAsync();
        await SignInAsync(page);
        await Expect(page.GetByText("Signed in as alice")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        await ExpectSignedOutAsync(page);
        await Expect(page).ToHaveURLAsync(_app.BaseUrl + "/");
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await ScreenshotAsync(page, "signed-out");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-session");
        Assert.Equal(401, await MeStatusAsync(page));
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Session_details_are_shown_as_text_never_as_markup()
    {
        const string hostileAgent = "<img src=x id=injected> <b>Evil</b>";
        var a = await NewDeviceAsync();
        var evil = await NewDeviceAsync(hostileAgent);
        await SignInAsync(evil);
        await SignInAsync(a);

        var row = Sessions(a).Filter(new() { HasNotText = "This device" });
        await Expect(row).ToContainTextAsync(hostileAgent);
        await Expect(row).ToContainTextAsync("Other device");
        await Expect(a.Locator("#injected")).ToHaveCountAsync(0);
        await Expect(a.Locator("tbody b")).ToHaveCountAsync(0);
        await ScreenshotAsync(a, "escaped-user-agent");
        AssertNoBrowserErrors();
    }

    private async Task<IPage> NewDeviceAsync(string? userAgent = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _app.BaseUrl,
            UserAgent = userAgent,
            ViewportSize = new ViewportSize { Width = 1100, Height = 700 },
        });
        _devices.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => _browserErrors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            // Chromium logs every 4xx fetch (the signed-out 401 of /api/me) as "Failed to load resource"; that is expected.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _browserErrors.Add("console: " + message.Text); // e.g. a Content-Security-Policy violation
            }
        };
        return page;
    }

    private static async Task SignInAsync(IPage page, string user = "alice", string? password = null)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password ?? user + "-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        if (password is null)
        {
            await Expect(page.GetByText("Signed in as " + user)).ToBeVisibleAsync();
        }
    }

    private static async Task ExpectSignedOutAsync(IPage page)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Username")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your sessions" })).ToBeHiddenAsync();
    }

    /// <summary>The body rows of the session table (the header row has column headers, not cells).</summary>
    private static ILocator Sessions(IPage page) =>
        page.GetByRole(AriaRole.Table, new() { Name = "Your sessions" })
            .GetByRole(AriaRole.Row)
            .Filter(new() { Has = page.GetByRole(AriaRole.Cell) });

    /// <summary>GET /api/me with a real same-origin fetch from the page, i.e. with this device's cookie.</summary>
    private static Task<int> MeStatusAsync(IPage page) =>
        page.EvaluateAsync<int>("async () => (await fetch('/api/me', { credentials: 'same-origin' })).status");

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private void AssertNoBrowserErrors() => Assert.Empty(_browserErrors);

    /// <summary>TestResults/screenshots at the repository root (gitignored), where test.sh also writes its results.</summary>
    private static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    private static string FindScreenshotDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AspNetSessions.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? Directory.GetCurrentDirectory(), "TestResults", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
