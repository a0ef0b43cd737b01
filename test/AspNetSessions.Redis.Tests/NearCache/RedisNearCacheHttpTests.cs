using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.NearCache;

/// <summary>Two hosts of the sample with the near-cache on, over HTTP, on one redis-server and on the Cluster.</summary>
internal static class TwoNearCachedHosts
{
    /// <summary>The settings that switch the sample's near-cache on.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["SessionAuth:NearCache:Enabled"] = "true",
        ["SessionAuth:NearCache:MaxStaleness"] = RedisNearCache.MaxStaleness.ToString(),
    };

    public static SampleApp Create(string configuration, string prefix) => RedisSampleApp.Create(configuration, prefix, new Dictionary<string, string?>(Settings));

    public static NearCacheSessionStore Cache(SampleApp app) => Assert.IsType<NearCacheSessionStore>(app.Services.GetRequiredService<ISessionStore>());

    /// <summary>Two near-cached hosts on one Redis (or Cluster): a sign-out on A is refused by B within MaxStaleness, 20 times.</summary>
    public static async Task SignOutOnAIsRefusedByBAsync(string configuration)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = Create(configuration, prefix);
        using var second = Create(configuration, prefix);
        using var a = first.Client();
        using var b = second.Client();
        await Eventually.HoldsAsync(() => Cache(first).IsListening && Cache(second).IsListening);
        await NearCacheScenario.SignOutOnAIsRefusedByBAsync(a, b, () => Cache(second).Count);
    }
}

[Collection(RedisCollection.Name)]
public sealed class RedisNearCacheHttpTests(RedisServerFixture redis)
{
    [Fact]
    public Task A_sign_out_on_one_host_is_refused_by_the_other_within_max_staleness() =>
        TwoNearCachedHosts.SignOutOnAIsRefusedByBAsync(redis.Server.ConfigurationString);

    [Fact]
    public async Task With_the_subscription_killed_a_sign_out_on_one_host_is_still_refused_by_the_other_which_refills_once_back()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = TwoNearCachedHosts.Create(redis.Server.ConfigurationString, prefix);
        using var second = TwoNearCachedHosts.Create(redis.Server.ConfigurationString, prefix);
        using var a = first.Client();
        using var b = second.Client();
        var cache = TwoNearCachedHosts.Cache(second);
        await Eventually.HoldsAsync(() => TwoNearCachedHosts.Cache(first).IsListening && cache.IsListening);
        var login = await a.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        Assert.Equal(1, cache.Count);

        Assert.Matches("^[1-9]", await redis.Server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub"));
        await Eventually.HoldsAsync(() => cache.Count == 0);
        Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token));

        var other = await a.LoginAsync("bob");
        await Eventually.HoldsAsync(() => cache.IsListening);
        Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", other.Token));
        Assert.Equal(1, cache.Count);
    }
}

[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterNearCacheHttpTests(RedisClusterFixture cluster)
{
    [Fact]
    public Task A_sign_out_on_one_host_is_refused_by_the_other_within_max_staleness_on_the_cluster() =>
        TwoNearCachedHosts.SignOutOnAIsRefusedByBAsync(cluster.Cluster.ConfigurationString);
}
