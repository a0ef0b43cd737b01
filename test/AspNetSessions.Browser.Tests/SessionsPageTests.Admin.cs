using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspNetSessions.Browser.Tests;

/// <summary>The admin view of the sessions page: every user's sessions, 20 at a time, "Load more" for the rest.</summary>
public sealed partial class SessionsPageTests
{
    [Fact]
    public async Task An_admin_sees_every_session_and_loads_more_while_a_user_sees_no_admin_view()
    {
        // 25 sessions of bob (signed in through the JSON API), then alice's in the browser: 26 in all.
        using (var http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) })
        {
            for (var i = 0; i < 25; i++)
            {
                using var login = await http.PostAsJsonAsync("/api/login", new { username = "bob", password = "bob-password" });
                login.EnsureSuccessStatusCode();
            }
        }

        var admin = await NewDeviceAsync();
        await SignInAsync(admin);
        var rows = AdminSessions(admin);
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(rows.First).ToContainTextAsync("bob");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Load more" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(26);
        await Expect(rows.Filter(new() { HasText = "alice" })).ToHaveCountAsync(1);
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Load more" })).ToBeHiddenAsync();
        await ScreenshotAsync(admin, "admin-all-sessions");

        var user = await NewDeviceAsync();
        await SignInAsync(user, "bob");
        await Expect(user.GetByRole(AriaRole.Heading, new() { Name = "All sessions (admin)" })).ToBeHiddenAsync();
    }

    /// <summary>The body rows of the admin table.</summary>
    private static ILocator AdminSessions(IPage page) =>
        page.GetByRole(AriaRole.Table, new() { Name = "All sessions (admin)" })
            .GetByRole(AriaRole.Row)
            .Filter(new() { Has = page.GetByRole(AriaRole.Cell) });
}
