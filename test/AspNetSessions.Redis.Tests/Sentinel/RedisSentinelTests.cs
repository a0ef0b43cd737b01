using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Sentinel;

/// <summary>One shared Sentinel group (primary + replica + sentinel) for the suites that never fail it over.</summary>
public sealed class RedisSentinelFixture : IAsyncLifetime
{
    private RedisSentinel? _group;

    public RedisSentinel Group => _group ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync() => _group = await RedisSentinel.StartAsync();

    public async Task DisposeAsync()
    {
        if (_group is not null)
        {
            await _group.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisSentinelCollection : ICollectionFixture<RedisSentinelFixture>
{
    public const string Name = "Shared Redis Sentinel";
}

/// <summary>The store contract, unchanged, through Sentinel.</summary>
[Collection(RedisSentinelCollection.Name)]
public sealed class RedisSentinelContractTests(RedisSentinelFixture redis) : SessionStoreContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Group.ConfigurationString);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>The race suite through Sentinel.</summary>
[Collection(RedisSentinelCollection.Name)]
public sealed class RedisSentinelRaceTests(RedisSentinelFixture redis) : SessionRaceContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Group.ConfigurationString);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>The sample's HTTP contract through Sentinel.</summary>
[Collection(RedisSentinelCollection.Name)]
public sealed class RedisSentinelSampleTests(RedisSentinelFixture redis)
{
    [Fact]
    public async Task The_sample_signs_in_lists_and_revokes_through_sentinel()
    {
        using var app = RedisSampleApp.Create(redis.Group.ConfigurationString);
        using var client = app.Client();
        var phone = await client.LoginAsync("alice");
        var laptop = await client.LoginAsync("alice");

        Assert.Equal(laptop.SessionId, (await client.MeAsync(laptop.Token)).GetProperty("sessionId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", laptop.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", phone.Token));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", laptop.Token));
    }
}

/// <summary>
/// <c>SENTINEL FAILOVER</c> under load: 503 (never 500, never a wrong 200) while the roles change; afterwards every
/// session created before is valid, every session revoked before stays revoked, and sign-in works, without an app
/// restart. Its own group: it fails it over.
/// </summary>
public sealed class RedisSentinelFailoverTests
{
    private const int Users = 20;

    [Fact]
    public async Task A_sentinel_failover_answers_503_meanwhile_and_loses_nothing_written_before()
    {
        await using var group = await RedisSentinel.StartAsync();
        var settings = Enumerable.Range(0, Users).ToDictionary(i => $"DemoUsers:user{i}", _ => (string?)"user-password");
        using var app = RedisSampleApp.Create(group.ConfigurationString, settings: settings);
        using var client = app.Client();
        var valid = new List<SampleApi.Login>();
        var revoked = new List<SampleApi.Login>();
        for (var i = 0; i < Users; i++)
        {
            var user = "user" + i.ToString(CultureInfo.InvariantCulture);
            valid.Add(await client.LoginAsync(user, "user-password"));
            var dead = await client.LoginAsync(user, "user-password");
            Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", dead.Token));
            revoked.Add(dead);
        }

        await group.WaitForReplicationAsync();
        var answers = new ConcurrentBag<(bool Valid, HttpStatusCode Status)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; !stop.IsCancellationRequested; i += 4)
            {
                var isValid = i % 2 == 0;
                var login = isValid ? valid[i / 2 % Users] : revoked[i / 2 % Users];
                answers.Add((isValid, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token)));
            }
        })).ToArray();

        await Eventually.HoldsAsync(() => answers.Count >= 100);
        await group.FailOverAsync();
        var settled = await Eventually.ReturnsAsync(async () =>
        {
            var login = await client.PostAsync("/api/login", new StringContent("{\"username\":\"user1\",\"password\":\"user-password\"}", System.Text.Encoding.UTF8, "application/json"));
            return login.StatusCode;
        }, HttpStatusCode.OK);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(HttpStatusCode.OK, settled);
        // The old primary is demoted by the Sentinel shortly after the promotion.
        // (Its demotion drops client connections, our probe's included: a dropped probe counts as "not yet".)
        Assert.True(await Eventually.ReturnsAsync(async () => (await InfoReplicationAsync(group.Primary)).Contains("role:slave", StringComparison.Ordinal), true));
        Assert.All(answers.Where(a => a.Valid), a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(answers.Where(a => !a.Valid), a => Assert.Contains(a.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        foreach (var login in valid)
        {
            Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
        }

        foreach (var login in revoked)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }
    }

    private static async Task<string> InfoReplicationAsync(RedisServer server)
    {
        try
        {
            return await server.ExecuteAsync("INFO", "replication") ?? string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
