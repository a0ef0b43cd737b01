using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.TestSupport;

/// <summary>
/// The sample's API keys end to end (issue #14), for any store the sample runs on: a named, scoped key is created,
/// listed with its name and scopes, allowed and refused by scope (with the RFC 6750 challenge), and revoked.
/// </summary>
public static class ApiKeyScenario
{
    public static async Task RunAsync(HttpClient client, string user = "bob")
    {
        var session = await client.LoginAsync(user);
        var reader = await CreateAsync(client, session.Token, """{"name": "ci reader", "scopes": ["orders:read"]}""");
        var writer = await CreateAsync(client, session.Token, """{"name": "writer", "scopes": ["orders:write"], "lifetime": "7.00:00:00"}""");

        using (var list = await client.SendAsync(HttpMethod.Get, "/api/keys", session.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var keys = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
                .ToDictionary(k => k.GetProperty("id").GetString()!, k => (Name: k.GetProperty("name").GetString(), Scopes: k.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray()));
            Assert.Equal("ci reader", keys[reader.Id].Name);
            Assert.Equal(["orders:read"], keys[reader.Id].Scopes);
            Assert.Equal("writer", keys[writer.Id].Name);
            Assert.Equal(["orders:write"], keys[writer.Id].Scopes);
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/orders", reader.Token));
        using (var refused = await client.SendAsync(HttpMethod.Get, "/api/orders", writer.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(["Bearer error=\"insufficient_scope\", scope=\"orders:read\""], refused.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/orders", session.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{reader.Id}", session.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/orders", reader.Token));
    }

    private static async Task<(string Token, string Id)> CreateAsync(HttpClient client, string sessionToken, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/api/keys", sessionToken, r => r.Content = new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetString()!, body.GetProperty("session").GetProperty("id").GetString()!);
    }
}
