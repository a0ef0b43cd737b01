using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>The store contract, unchanged, on a Redis Cluster of 3 primaries + 3 replicas.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterContractTests(RedisClusterFixture redis) : SessionStoreContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Cluster.ConfigurationString);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>The race suite on the cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterRaceTests(RedisClusterFixture redis) : SessionRaceContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Cluster.ConfigurationString);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>What only a cluster shows: sessions spread over every primary, and kind-wide queries that see them all.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterTests(RedisClusterFixture redis)
{
    [Fact]
    public async Task Many_users_sessions_spread_over_all_primaries_and_kind_wide_queries_cover_every_one()
    {
        await using var store = new RedisStoreUnderTest(redis.Cluster.ConfigurationString);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var manager = new SessionManager("Session", new SessionAuthenticationOptions { Kind = "Session" }, store.Store, time, NullLogger<SessionManager>.Instance);
        var created = new List<CreatedSession>();
        for (var i = 0; i < 60; i++)
        {
            created.Add(await manager.CreateAsync(new SessionCreateRequest { UserId = "user" + i.ToString(CultureInfo.InvariantCulture) }));
        }

        foreach (var primary in await redis.Cluster.PrimariesAsync())
        {
            var keys = await primary.ExecuteAsync("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", store.KeyPrefix + "*");
            Assert.True(long.Parse(keys!, CultureInfo.InvariantCulture) > 0, $"no session on the primary at port {primary.Port}");
        }

        var all = await manager.ListAsync(new SessionFilter());
        Assert.Equal(created.Select(c => c.Session.Id).Order(), all.Select(s => s.Id).Order());
        Assert.Equal(60, await manager.CountAsync(new SessionFilter()));
        Assert.Equal(60, await manager.DeleteAsync(new SessionFilter()));
        Assert.Empty(await manager.ListAsync(new SessionFilter()));
    }

    [Fact]
    public async Task The_sample_contract_holds_on_the_cluster_and_a_revocation_on_one_host_is_refused_by_another()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = RedisSampleApp.Create(redis.Cluster.ConfigurationString, prefix);
        using var second = RedisSampleApp.Create(redis.Cluster.ConfigurationString, prefix);
        using var a = first.Client();
        using var b = second.Client();

        var phone = await a.LoginAsync("alice");
        var laptop = await a.LoginAsync("alice");
        var bob = await b.LoginAsync("bob");
        Assert.Equal("alice", (await b.MeAsync(phone.Token)).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await a.StatusAsync(HttpMethod.Delete, $"/api/sessions/{bob.SessionId}", laptop.Token));
        Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Delete, $"/api/sessions/{phone.SessionId}", laptop.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.StatusAsync(HttpMethod.Get, "/api/me", phone.Token));
        Assert.Equal(HttpStatusCode.NoContent, await b.StatusAsync(HttpMethod.Post, "/api/logout", bob.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await a.StatusAsync(HttpMethod.Get, "/api/me", bob.Token));
        Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", laptop.Token));
    }
}

/// <summary>The expiry table on the cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterExpiryTests(RedisClusterFixture redis) : SessionExpiryContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Cluster.ConfigurationString);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
