using System.Net;
using System.Text.Json;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// <c>GET {prefix}/sessions</c> of <c>MapSessionAdminEndpoints</c>: every session of every covered kind, a page at a
/// time, behind the admin policy; a bad limit, kind or cursor is a 400 problem. On a minimal host of its own.
/// </summary>
public sealed class AdminListingTests
{
    private static readonly string[] Fields = ["id", "userId", "kind", "createdAt", "lastSeenAt", "expiresAt", "metadata"];

    [Fact]
    public async Task An_admin_pages_through_every_session_of_every_kind_exactly_once()
    {
        await using var host = await StartAsync();
        var admin = await SignInAsync(host, "root", admin: true);
        var created = new List<string> { admin.Session.Id };
        for (var i = 0; i < 5; i++)
        {
            created.Add((await SignInAsync(host, i % 2 == 0 ? "bob" : "carol")).Session.Id);
            created.Add((await ApiKeys(host).CreateAsync(new SessionCreateRequest { UserId = "bob" })).Session.Id);
            host.Time.Advance(TimeSpan.FromMilliseconds(3));
        }

        using var client = host.Client(admin.Token);
        var listed = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await client.GetAsync("/admin/sessions?limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            Assert.InRange(items.Count, 0, 3);
            listed.AddRange(items);
            var next = json.RootElement.GetProperty("next");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.Null(cursor);
        Assert.Equal(created.Order(), listed.Select(e => e.GetProperty("id").GetString()).Order());
        Assert.All(listed, e => Assert.All(Fields, f => Assert.True(e.TryGetProperty(f, out _), f)));
        var bobKey = listed.First(e => e.GetProperty("kind").GetString() == "ApiKey");
        Assert.Equal("bob", bobKey.GetProperty("userId").GetString());
        // Within a kind, oldest first.
        foreach (var kind in new[] { "Session", "ApiKey" })
        {
            var times = listed.Where(e => e.GetProperty("kind").GetString() == kind).Select(e => e.GetProperty("createdAt").GetDateTimeOffset()).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Fact]
    public async Task The_listing_narrows_to_a_user_or_a_kind_and_pages_by_fifty_by_default()
    {
        await using var host = await StartAsync();
        var admin = await SignInAsync(host, "root", admin: true);
        for (var i = 0; i < 51; i++)
        {
            await SignInAsync(host, "bob");
        }

        await ApiKeys(host).CreateAsync(new SessionCreateRequest { UserId = "carol" });
        using var client = host.Client(admin.Token);

        var first = await PageAsync(client, "/admin/sessions?userId=bob");
        Assert.Equal(50, first.Ids.Count);
        Assert.NotNull(first.Next);
        var second = await PageAsync(client, "/admin/sessions?userId=bob&cursor=" + Uri.EscapeDataString(first.Next));
        Assert.Single(second.Ids);
        Assert.Null(second.Next);

        var keys = await PageAsync(client, "/admin/sessions?kind=ApiKey");
        Assert.Equal(["carol"], keys.Users);
        Assert.Null(keys.Next);

        // A cursor belongs to its filter: another user's listing refuses it.
        using var foreign = await client.GetAsync("/admin/sessions?userId=carol&cursor=" + Uri.EscapeDataString(first.Next));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=ten")]
    [InlineData("limit=-1")]
    [InlineData("kind=Nope")]
    [InlineData("cursor=garbage")]
    [InlineData("cursor=U2Vzc2lvbg.garbage")]
    [InlineData("cursor=Tm9wZQ.")]
    public async Task A_bad_limit_kind_or_cursor_is_a_400_problem(string parameters)
    {
        await using var host = await StartAsync();
        var admin = await SignInAsync(host, "root", admin: true);
        using var client = host.Client(admin.Token);

        using var response = await client.GetAsync("/admin/sessions?" + parameters);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_tampered_cursor_is_a_400_problem_and_500_is_the_largest_page()
    {
        await using var host = await StartAsync();
        var admin = await SignInAsync(host, "root", admin: true);
        await SignInAsync(host, "bob");
        using var client = host.Client(admin.Token);
        var first = await PageAsync(client, "/admin/sessions?limit=1");
        Assert.NotNull(first.Next);
        var at = first.Next.Length - 5;
        var tampered = first.Next[..at] + (first.Next[at] == 'A' ? 'B' : 'A') + first.Next[(at + 1)..];

        using var response = await client.GetAsync("/admin/sessions?limit=1&cursor=" + Uri.EscapeDataString(tampered));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cursor", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, (await PageAsync(client, "/admin/sessions?limit=500")).Ids.Count);
    }

    [Fact]
    public async Task A_non_admin_gets_403_and_an_anonymous_caller_401()
    {
        await using var host = await StartAsync();
        var bob = await SignInAsync(host, "bob");

        using var user = host.Client(bob.Token);
        using var anonymous = host.Client();

        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/admin/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/sessions")).StatusCode);
    }

    private static Task<TestHost> StartAsync() => TestHost.StartAsync(
        app => app.MapSessionAdminEndpoints("/admin", "Admin"),
        services: s =>
        {
            s.AddSessionAuth().AddKind("ApiKey", o => { o.TokenPrefix = "key"; o.Cookie.Name = "__Host-key"; });
            s.AddAuthorizationBuilder().AddPolicy("Admin", p => p.RequireClaim("role", "admin"));
        });

    private static ISessionManager ApiKeys(TestHost host) => host.Services.GetRequiredKeyedService<ISessionManager>("ApiKey");

    private static Task<CreatedSession> SignInAsync(TestHost host, string userId, bool admin = false) =>
        host.Sessions.CreateAsync(new SessionCreateRequest { UserId = userId, Claims = admin ? [new("role", "admin")] : [] });

    private static async Task<(List<string> Ids, List<string> Users, string? Next)> PageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        var next = json.RootElement.GetProperty("next");
        return ([.. items.Select(e => e.GetProperty("id").GetString()!)], [.. items.Select(e => e.GetProperty("userId").GetString()!)],
            next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }
}
