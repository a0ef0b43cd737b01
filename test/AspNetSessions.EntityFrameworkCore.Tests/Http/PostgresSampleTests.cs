using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.EntityFrameworkCore.Tests.Http;

/// <summary>
/// The sample's HTTP contract on PostgreSQL (<c>SessionAuth:Store=EntityFrameworkCore</c>, <c>Database:Provider=Postgres</c>),
/// endpoint by endpoint as on the memory store; two app instances on one database; the database stopped mid-run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSampleTests(PostgresServer server)
{
    [Fact]
    public async Task Named_scoped_api_keys_work_on_postgres()
    {
        using var app = await PostgresSampleApp.StartAsync(server, "apikeys");
        using var client = app.Client();

        await ApiKeyScenario.RunAsync(client);
    }

    [Fact]
    public async Task Step_up_and_the_sign_in_state_hold_on_postgres()
    {
        using var app = await PostgresSampleApp.StartAsync(server, "stepup");
        await StepUpScenario.RunAsync(app);
    }

    [Fact]
    public async Task Every_endpoint_behaves_as_on_the_memory_store()
    {
        using var app = await PostgresSampleApp.StartAsync(server, "sample");
        using var client = app.Client();

        var alice = await client.LoginAsync("alice");
        Assert.Equal(app.Time.GetUtcNow().AddMinutes(30), alice.ExpiresAt);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "x" })).StatusCode);
        var me = await client.MeAsync(alice.Token);
        Assert.Equal("alice", me.GetProperty("userId").GetString());
        Assert.Equal(alice.SessionId, me.GetProperty("sessionId").GetString());
        Assert.Equal("Session", me.GetProperty("kind").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var third = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");
        using (var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", alice.Token))
        {
            var sessions = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
            Assert.Equal([alice.SessionId, second.SessionId, third.SessionId], sessions.Select(s => s.GetProperty("id").GetString()));
            Assert.True(sessions.Single(s => s.GetProperty("id").GetString() == alice.SessionId).GetProperty("current").GetBoolean());
            Assert.Equal("127.0.0.1", sessions[0].GetProperty("metadata").GetProperty("ip").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/admin", alice.Token));
        Assert.Equal(HttpStatusCode.Forbidden, await client.StatusAsync(HttpMethod.Get, "/api/admin", bob.Token));
        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{bob.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{second.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", second.Token));

        var key = await client.CreateKeyAsync(alice.Token);
        Assert.StartsWith("key_", key.Token, StringComparison.Ordinal);
        Assert.Equal("ApiKey", (await client.MeAsync(key.Token)).GetProperty("kind").GetString());
        using (var keys = await client.SendAsync(HttpMethod.Get, "/api/keys", alice.Token))
        {
            Assert.Equal([key.SessionId], (await keys.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(k => k.GetProperty("id").GetString()));
        }

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", third.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", key.Token));   // another kind: untouched
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/keys/{key.SessionId}", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", key.Token));

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", alice.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/healthz", null));
    }

    [Fact]
    public async Task Sessions_slide_and_expire_on_the_database_as_on_memory()
    {
        using var app = await PostgresSampleApp.StartAsync(server, "expiry");
        using var client = app.Client();
        var login = await client.LoginAsync("bob");

        app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));   // slides to +50 min
        app.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        app.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task Two_app_instances_share_one_database_and_a_revocation_on_one_is_refused_by_the_other()
    {
        var connectionString = await server.CreateDatabaseAsync("shared");
        using var first = PostgresSampleApp.Create(connectionString);
        using var a = first.Client();
        var login = await a.LoginAsync("alice");
        using var second = PostgresSampleApp.Create(connectionString);
        using var b = second.Client();

        Assert.Equal(login.SessionId, (await b.MeAsync(login.Token)).GetProperty("sessionId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token));

        var other = await b.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.OK, await a.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
    }

    [Fact]
    public async Task With_the_database_stopped_requests_get_503_with_retry_after_and_recover_when_it_is_back()
    {
        using var app = await PostgresSampleApp.StartAsync(server, "outage");
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));

        server.Stop();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.SendAsync(HttpMethod.Get, "/api/me", login.Token);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
                Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var signIn = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", null));   // no store needed
        }
        finally
        {
            server.Start();
        }

        // Back without restarting the app: pooled connections broken by the restart are dropped as they fail.
        var status = await Eventually.ReturnsAsync(async () =>
        {
            var answer = await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token);
            Assert.True(answer is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, answer.ToString()); // never a 500 or a wrong 401
            return answer;
        }, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", (await client.MeAsync((await client.LoginAsync("alice")).Token)).GetProperty("userId").GetString());
    }
}
