using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.Faults;

/// <summary>
/// Hand-damaged data never authenticates and never breaks a page: the session is refused (401) and logged at Error
/// with its key; a user's list skips it and shows the rest; revoke-all still revokes what it can.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisDamagedDataTests(RedisServerFixture redis)
{
    public static TheoryData<string, string[]> Damages => new()
    {
        { "expiry not a number", ["HSET", "{key}", "e", "soon"] },
        { "created missing", ["HDEL", "{key}", "c"] },
        { "last seen missing", ["HDEL", "{key}", "l"] },
        { "user missing", ["HDEL", "{key}", "u"] },
        { "digest missing", ["HDEL", "{key}", "d"] },
        { "absolute expiry not a number", ["HSET", "{key}", "a", "never"] },
        { "claims not JSON", ["HSET", "{key}", "cl", "[[\"role\""] },
        { "claims of the wrong shape", ["HSET", "{key}", "cl", "{\"role\":\"admin\"}"] },
        { "data not JSON", ["HSET", "{key}", "da", "{oops"] },
        { "metadata of the wrong shape", ["HSET", "{key}", "m", "[1,2]"] },
        { "metadata values not strings", ["HSET", "{key}", "m", "{\"ip\":1}"] },
        { "authentication time not a number", ["HSET", "{key}", "t", "recently"] },
        // Fields whose loss would widen the session (no absolute cap, unrestricted, not device-bound) are required.
        { "absolute expiry missing", ["HDEL", "{key}", "a"] },
        { "scopes missing", ["HDEL", "{key}", "sc"] },
        { "device key missing", ["HDEL", "{key}", "dk"] },
        { "authentication items not JSON", ["HSET", "{key}", "p", "{\".Token.access_token\":"] },
        { "authentication items of the wrong shape", ["HSET", "{key}", "p", "[\"at\"]"] },
        { "scopes not JSON", ["HSET", "{key}", "sc", "orders:read"] },
        { "scopes not scope-tokens", ["HSET", "{key}", "sc", "[\"a b\"]"] },
        { "scopes of the wrong shape", ["HSET", "{key}", "sc", "{\"orders:read\":true}"] },
        { "session not a hash", ["EVAL", "redis.call('DEL', KEYS[1]); return redis.call('SET', KEYS[1], 'x')", "1", "{key}"] },
        { "only unknown fields", ["EVAL", "redis.call('DEL', KEYS[1]); return redis.call('HSET', KEYS[1], 'zz', '1')", "1", "{key}"] },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_session_is_refused_logged_skipped_in_lists_and_revoke_all_still_works(string damage, string[] command)
    {
        var logs = new CapturingLoggerProvider();
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.Create(redis.Server.ConfigurationString, prefix, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        var damaged = await client.LoginAsync("alice");
        var kept = await client.LoginAsync("alice");
        var other = await client.LoginAsync("alice");
        var key = $"{prefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{damaged.SessionId}";
        Assert.NotNull(await redis.Server.ExecuteAsync([.. command.Select(c => c.Replace("{key}", key, StringComparison.Ordinal))]));

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", damaged.Token));
        Assert.Contains(logs.Lines, l => l.Contains(key, StringComparison.Ordinal) && l.Contains("damaged", StringComparison.Ordinal));

        using (var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", kept.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var ids = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToArray();
            Assert.Equal(new[] { kept.SessionId, other.SessionId }.Order(), ids.Order());
        }

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", kept.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", kept.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", damaged.Token));
        Assert.True(damage.Length > 0);
    }

    /// <summary>Fields left out while empty (<c>RedisSessionFields.Required</c>): losing one only narrows the session.</summary>
    [Theory]
    [InlineData("cl")]
    [InlineData("da")]
    [InlineData("m")]
    [InlineData("t")]
    [InlineData("p")]
    [InlineData("n")]
    [InlineData("dc")]
    [InlineData("pd")]
    public async Task An_optional_field_that_is_missing_reads_as_empty_not_damaged(string field)
    {
        var logs = new CapturingLoggerProvider();
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.Create(redis.Server.ConfigurationString, prefix, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        var key = $"{prefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{login.SessionId}";
        await redis.Server.ExecuteAsync("HDEL", key, field);

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        // alice is the sample's admin: her role claim is in "cl", so without it the admin listing is forbidden.
        Assert.Equal(field == "cl" ? HttpStatusCode.Forbidden : HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/admin/sessions", login.Token));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("damaged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_index_of_the_wrong_type_is_refused_and_logged_never_a_500()
    {
        var logs = new CapturingLoggerProvider();
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.Create(redis.Server.ConfigurationString, prefix, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        var login = await client.LoginAsync("alice");
        var index = $"{prefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:u:alice";
        await redis.Server.ExecuteAsync("DEL", index);
        await redis.Server.ExecuteAsync("SET", index, "not an index");

        // The session itself is intact: it still authenticates (no slide is due yet).
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        using (var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", login.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Empty((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        }

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", login.Token));
        Assert.Contains(logs.Lines, l => l.Contains(index, StringComparison.Ordinal) && l.Contains("damaged", StringComparison.Ordinal));
        // A slide is due: it would write the index, so the session is refused rather than half-written.
        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        Assert.Equal("string", await redis.Server.ExecuteAsync("TYPE", index));
        // Signing in again cannot write the index: an outage (503), never a 500.
        using var again = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token)); // refused above, so not signed in
    }

    [Fact]
    public async Task The_store_logs_a_damaged_session_once_per_refusal_at_error_with_its_key()
    {
        var logs = new CapturingLoggerProvider();
        await using var store = new RedisStoreUnderTest(redis.Server, logs.CreateLogger("AspNetSessions.Redis"));
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var manager = new SessionManager("Session", new SessionAuthenticationOptions { Kind = "Session" }, store.Store, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManager>.Instance);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var key = $"{store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{created.Session.Id}";
        await redis.Server.ExecuteAsync("HSET", key, "e", "soon");

        Assert.Null(await manager.AuthenticateAsync(created.Token));

        Assert.Single(logs.Lines, l => l.Contains(key, StringComparison.Ordinal));
        Assert.Equal("soon", await redis.Server.ExecuteAsync("HGET", key, "e")); // refused, not repaired or slid
    }
}
