using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The sample's API keys (issue #14), its HTTP contract: <c>POST/GET/DELETE /api/keys</c> from a browser session (the
/// JSON shapes, the 400 answers), <c>GET /api/orders</c> behind <c>orders:read</c>, and the sample's ApiKey kind (90
/// days, <c>orders:read</c>/<c>orders:write</c>, ten keys a user). What the library does with keys is tested on minimal
/// hosts: scopes and their answers in <see cref="ScopeAuthorizationTests"/>, kinds, listings, a key's lifetime and the
/// per-user cap in <see cref="KindsTests"/> and <see cref="AdminEndpointsTests"/>, the manager's rules and messages in
/// <see cref="Unit.SessionManagerTests"/>.
/// </summary>
public sealed class SampleApiKeysTests : IClassFixture<SampleApiKeysTests.App>
{
    private const string Challenge = "Bearer error=\"insufficient_scope\", scope=\"orders:read\"";
    private readonly SampleApp _app;

    public SampleApiKeysTests(App app) => _app = app.Instance;

    public sealed class App : IDisposable
    {
        public SampleApp Instance { get; } = new();

        public void Dispose() => Instance.Dispose();
    }

    [Fact]
    public async Task A_named_scoped_key_is_created_listed_in_exactly_the_documented_shape_and_revoked()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("bob");

        using var created = await PostKeyAsync(client, session.Token, """{"name": "ci", "scopes": ["orders:read"]}""");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["session", "token"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Matches("^key_[A-Za-z0-9_-]{70}$", body.GetProperty("token").GetString());
        var id = body.GetProperty("session").GetProperty("id").GetString()!;
        Assert.Equal(_app.Time.GetUtcNow().AddDays(90), body.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset());

        using (var list = await client.SendAsync(HttpMethod.Get, "/api/keys", session.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var key = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), k => k.GetProperty("id").GetString() == id);
            Assert.Equal(["createdAt", "expiresAt", "id", "lastSeenAt", "name", "scopes"], key.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("ci", key.GetProperty("name").GetString());
            Assert.Equal(["orders:read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
            Assert.Equal(_app.Time.GetUtcNow(), key.GetProperty("createdAt").GetDateTimeOffset());
            Assert.Equal(_app.Time.GetUtcNow(), key.GetProperty("lastSeenAt").GetDateTimeOffset());
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", body.GetProperty("token").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{id}", session.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", body.GetProperty("token").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{id}", session.Token));
    }

    [Fact]
    public async Task Orders_need_the_scope_a_key_without_it_gets_403_with_the_insufficient_scope_challenge()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("alice");
        var reader = await CreateAsync(client, session.Token, """{"name": "reader", "scopes": ["orders:read", "orders:write"]}""");
        var writer = await CreateAsync(client, session.Token, """{"name": "writer", "scopes": ["orders:write"]}""");

        using (var orders = await client.SendAsync(HttpMethod.Get, "/api/orders", reader))
        {
            Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
            Assert.NotEmpty((await orders.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        }

        using (var refused = await client.SendAsync(HttpMethod.Get, "/api/orders", writer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal([Challenge], refused.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }

        // A browser session is of a kind without scopes: unrestricted. No credentials: the usual 401.
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/orders", session.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/orders", null));
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"name": 5}""", "\"name\" must be a string" },
        { """{"name": ""}""", "not blank" },
        { """{"scopes": "orders:read"}""", "array of strings" },
        { """{"scopes": [1]}""", "array of strings" },
        { """{"scopes": ["orders read"]}""", "is not a scope" },
        { """{"scopes": ["orders:delete"]}""", "not one of the scopes of this kind" },
        { """{"lifetime": "soon"}""", "\"lifetime\" must be a duration" },
        { """{"lifetime": 30}""", "\"lifetime\" must be a duration" },
        { """{"lifetime": "30"}""", "\"lifetime\" must be a duration" },
        { """{"lifetime": "00:00:00"}""", "must be positive" },
        { """{"lifetime": "90.00:00:01"}""", "AbsoluteTimeout" },
        { """{"owner": "bob"}""", "Unknown field" },
        { """{"name": "ci" """, "not valid JSON" },
        { """["ci"]""", "JSON object" },
    };

    // The JSON the sample reads, and the manager's refusals passed on (its rules and messages: SessionManagerTests).
    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_name_scope_or_lifetime_is_a_400_that_says_what_is_wrong(string json, string message)
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("bob");

        using var response = await PostKeyAsync(client, session.Token, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadFromJsonAsync<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("bob");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = new StringContent("name=ci", Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new("Bearer", session.Token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_requested_lifetime_sets_the_keys_expiry()
    {
        using var client = _app.Client();
        var session = await client.LoginAsync("bob");
        using var response = await PostKeyAsync(client, session.Token, """{"name": "short", "scopes": ["orders:read"], "lifetime": "1.00:00:00"}""");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString();
        var expiresAt = body.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset();

        Assert.Equal(_app.Time.GetUtcNow().AddDays(1), expiresAt);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/orders", token));
        // That the key then expires at its end is the library's: KindsTests.
    }

    [Fact]
    public async Task The_sample_keeps_ten_keys_a_user_and_DELETE_api_keys_revokes_them_all()
    {
        using var app = new SampleApp();
        using var client = app.Client();
        var session = await client.LoginAsync("alice");
        var tokens = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            tokens.Add(await CreateAsync(client, session.Token, $$"""{"name": "key {{i}}", "scopes": ["orders:read"]}"""));
            app.Time.Advance(TimeSpan.FromSeconds(1));
        }

        // The eleventh revoked the oldest (the cap itself: KindsTests).
        using var list = await client.SendAsync(HttpMethod.Get, "/api/keys", session.Token);
        var names = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(k => k.GetProperty("name").GetString());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"key {i}"), names);

        // DELETE /api/keys revokes every key of the caller, and none of its browser sessions.
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/keys", session.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/orders", tokens[^1]));
        using var empty = await client.SendAsync(HttpMethod.Get, "/api/keys", session.Token);
        Assert.Empty((await empty.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", session.Token));
    }

    private static async Task<string> CreateAsync(HttpClient client, string sessionToken, string json)
    {
        using var response = await PostKeyAsync(client, sessionToken, json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static Task<HttpResponseMessage> PostKeyAsync(HttpClient client, string sessionToken, string json) =>
        client.SendAsync(HttpMethod.Post, "/api/keys", sessionToken, r =>
        {
            if (json.Length > 0)
            {
                r.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }
        });
}
