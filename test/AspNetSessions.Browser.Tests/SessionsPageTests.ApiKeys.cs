using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspNetSessions.Browser.Tests;

/// <summary>The page's "API keys" panel (issue #14): create with name and scopes, the token shown once and copied, listed with its last use, revoked.</summary>
public sealed partial class SessionsPageTests
{
    [Fact]
    public async Task An_api_key_is_created_copied_used_listed_with_its_last_use_and_revoked()
    {
        var page = await NewDeviceAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = _app.BaseUrl });
        await SignInAsync(page);
        await Expect(page.GetByText("No API keys yet.")).ToBeVisibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("ci");
        await page.GetByLabel("orders:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("API key created.");
        var token = await page.Locator("#new-key-token").TextContentAsync();
        Assert.Matches("^key_[A-Za-z0-9_-]{70}$", token);
        var keys = Keys(page);
        await Expect(keys).ToHaveCountAsync(1);
        await Expect(keys).ToContainTextAsync(["ci"]);
        await Expect(keys.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("orders:read");
        await Expect(keys.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("never");
        await ScreenshotAsync(page, "api-keys-1-created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied the key to the clipboard.");
        Assert.Equal(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The key works for what it may do, and only that; using it shows as its last use.
        Assert.Equal(200, await StatusWithKeyAsync(page, "/api/orders", token!));
        await page.ReloadAsync();
        await Expect(page.Locator("#new-key")).ToBeHiddenAsync();   // shown once: gone after a reload
        await Expect(keys.GetByRole(AriaRole.Cell).Nth(3)).Not.ToHaveTextAsync("never");

        await keys.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("API key revoked.");
        await Expect(keys).ToHaveCountAsync(0);
        await Expect(page.GetByText("No API keys yet.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "api-keys-2-revoked");
        Assert.Equal(401, await StatusWithKeyAsync(page, "/api/orders", token!));
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_key_without_a_scope_is_refused_and_a_bad_name_is_explained_as_text()
    {
        var page = await NewDeviceAsync();
        await SignInAsync(page);

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("   ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not blank");
        await Expect(Keys(page)).ToHaveCountAsync(0);

        const string hostile = "<img src=x id=injected>";
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(hostile);
        await page.GetByLabel("orders:write").CheckAsync();
        await page.GetByLabel("Expires after").SelectOptionAsync("7.00:00:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("API key created.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await Expect(Keys(page)).ToContainTextAsync([hostile]);
        await Expect(page.Locator("#injected")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "api-keys-3-write-only");
        var token = await page.Locator("#new-key-token").TextContentAsync();
        Assert.Equal(403, await StatusWithKeyAsync(page, "/api/orders", token!));
        Assert.Equal(200, await StatusWithKeyAsync(page, "/api/me", token!));
        AssertNoBrowserErrors();
    }

    /// <summary>The body rows of the API keys table.</summary>
    private static ILocator Keys(IPage page) =>
        page.GetByRole(AriaRole.Table, new() { Name = "API keys" })
            .GetByRole(AriaRole.Row)
            .Filter(new() { Has = page.GetByRole(AriaRole.Cell) });

    /// <summary>A fetch from the page with the key as its bearer token (cookies left out, so only the key counts).</summary>
    private static Task<int> StatusWithKeyAsync(IPage page, string path, string token) =>
        page.EvaluateAsync<int>(
            "async ([path, token]) => (await fetch(path, { credentials: 'omit', headers: { Authorization: 'Bearer ' + token } })).status",
            new[] { path, token });
}
