using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>Two session kinds side by side in the sample: browser sessions and API keys.</summary>
public sealed class KindsTests : IClassFixture<SampleContractTests.App>
{
    private readonly SampleApp _app;

    public KindsTests(SampleContractTests.App app) => _app = app.Instance;

    [Fact]
    public async Task An_api_key_authenticates_as_its_own_kind()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("alice");
        var key = await client.CreateKeyAsync(session.Token);

        Assert.StartsWith("key_", key.Token, StringComparison.Ordinal);
        var me = await client.MeAsync(key.Token);
        Assert.Equal("alice", me.GetProperty("userId").GetString());
        Assert.Equal("ApiKey", me.GetProperty("kind").GetString());
        Assert.Equal(key.SessionId, me.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Each_kind_has_its_own_lifetimes_and_namespace()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var session = await client.LoginAsync("alice");
        var key = await client.CreateKeyAsync(session.Token);

        // Browser sessions: 30 minutes idle. API keys: no idle expiry, 90 days absolute.
        Assert.Equal(app.Time.GetUtcNow().AddDays(90), key.ExpiresAt);
        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", session.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", key.Token));
    }

    [Fact]
    public async Task Revoking_browser_sessions_leaves_api_keys_and_the_reverse()
    {
        using var client = _app.Client();
        var current = await client.LoginAsync("alice");
        var other = await client.LoginAsync("alice");
        var key = await client.CreateKeyAsync(current.Token);

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", current.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", key.Token));

        using var keys = await client.SendAsync(HttpMethod.Get, "/api/keys", current.Token);
        var listed = (await keys.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        Assert.Contains(listed, k => k.GetProperty("id").GetString() == key.SessionId);
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{key.SessionId}", current.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", key.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", current.Token));
    }

    [Fact]
    public async Task A_token_is_only_accepted_by_the_schemes_an_endpoint_allows()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("alice");
        var key = await client.CreateKeyAsync(session.Token);

        // /api/sessions and /api/keys are managed from a browser session only.
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/sessions", key.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/keys", key.Token));
        // A key id is not a browser session id and the reverse.
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{key.SessionId}", session.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{session.SessionId}", session.Token));
    }

    [Fact]
    public async Task An_api_key_is_never_read_from_a_cookie()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("alice");
        var key = await client.CreateKeyAsync(session.Token);

        var status = await client.StatusAsync(HttpMethod.Get, "/api/me", null, r => r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + key.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
