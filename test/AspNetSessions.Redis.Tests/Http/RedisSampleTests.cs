using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>The sample's endpoints on Redis, configured by two settings only.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSampleTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Named_scoped_api_keys_work_on_redis()
    {
        using var app = RedisSampleApp.Create(redis.Server);
        using var client = app.Client();

        await ApiKeyScenario.RunAsync(client);
    }

    [Fact]
    public async Task Step_up_and_the_sign_in_state_hold_on_redis()
    {
        var logs = new CapturingLoggerProvider();
        using var app = RedisSampleApp.Create(redis.Server.ConfigurationString, RedisServerFixture.NewKeyPrefix(), services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        try
        {
            await StepUpScenario.RunAsync(app);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(e.Message + "\n" + string.Join("\n", logs.Lines));
        }
    }

    [Fact]
    public async Task The_sample_contract_holds_on_redis()
    {
        using var app = RedisSampleApp.Create(redis.Server);
        using var client = app.Client();
        Assert.Equal("Redis", app.Services.GetRequiredService<ISessionStore>().Name);

        var phone = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var laptop = await client.LoginAsync("alice");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var other = await client.LoginAsync("alice");
        var bob = await client.LoginAsync("bob");

        var me = await client.MeAsync(laptop.Token);
        Assert.Equal(laptop.SessionId, me.GetProperty("sessionId").GetString());

        using (var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", laptop.Token))
        {
            var sessions = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
            Assert.Equal([phone.SessionId, laptop.SessionId, other.SessionId], sessions.Select(s => s.GetProperty("id").GetString()));
            Assert.True(sessions[1].GetProperty("current").GetBoolean());
            Assert.Equal("127.0.0.1", sessions[1].GetProperty("metadata").GetProperty("ip").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{bob.SessionId}", laptop.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{phone.SessionId}", laptop.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", phone.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", laptop.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", laptop.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", laptop.Token));
    }

    [Fact]
    public async Task Expiry_on_redis_follows_the_apps_clock()
    {
        using var app = RedisSampleApp.Create(redis.Server, settings: new Dictionary<string, string?> { ["SessionAuth:IdleTimeout"] = "00:10:00" });
        using var client = app.Client();
        var login = await client.LoginAsync();

        app.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        app.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task Two_app_hosts_sharing_one_redis_see_each_others_sessions_and_revocations()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = RedisSampleApp.Create(redis.Server, prefix);
        using var second = RedisSampleApp.Create(redis.Server, prefix);
        using var a = first.Client();
        using var b = second.Client();

        var login = await a.LoginAsync("alice");
        Assert.Equal("alice", (await b.MeAsync(login.Token)).GetProperty("userId").GetString());

        Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task Parallel_requests_creating_sliding_and_revoking_one_users_sessions_keep_the_index_consistent()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.Create(redis.Server, prefix);
        using var client = app.Client();

        var logins = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => client.LoginAsync("alice")));
        var revoked = logins.Where((_, i) => i % 3 == 0).ToArray();
        var keeper = logins[1];
        await Task.WhenAll(logins.Select(l => client.StatusAsync(HttpMethod.Get, "/api/me", l.Token))
            .Concat(revoked.Select(r => client.StatusAsync(HttpMethod.Delete, $"/api/sessions/{r.SessionId}", keeper.Token))));

        using var list = await client.SendAsync(HttpMethod.Get, "/api/sessions", keeper.Token);
        var ids = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToArray();
        Assert.Equal(logins.Except(revoked).Select(l => l.SessionId).Order(), ids.Order());
        Assert.Equal(ids.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await redis.Server.ExecuteAsync("ZCARD", $"{prefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:u:alice"));
        foreach (var r in revoked)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", r.Token));
        }
    }

    [Fact]
    public void A_bad_redis_configuration_stops_startup_naming_the_key_and_the_unknown_option()
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(redis.Server.ConfigurationString + ",bogusOption=1"));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:Redis:Configuration", StringComparison.Ordinal) && e.Message.Contains("bogusOption", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_redis_configuration_stops_startup_naming_the_key()
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(string.Empty));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:Redis:Configuration is required", StringComparison.Ordinal));
    }
}
