using System.Diagnostics;
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
    public const int Trials = 20;

    public static SampleApp Create(string configuration, string prefix) => RedisSampleApp.Create(configuration, prefix, new Dictionary<string, string?>
    {
        ["SessionAuth:NearCache:Enabled"] = "true",
        ["SessionAuth:NearCache:MaxStaleness"] = RedisNearCache.MaxStaleness.ToString(),
    });

    public static NearCacheSessionStore Cache(SampleApp app) => Assert.IsType<NearCacheSessionStore>(app.Services.GetRequiredService<ISessionStore>());

    /// <summary>
    /// Signs in on A, makes B cache the session, signs out on A, then asks B until it answers 401: within MaxStaleness
    /// by a real clock (both hosts' clocks are fake and never reach it, so only the channel can do it). Repeated.
    /// </summary>
    public static async Task SignOutOnAIsRefusedByBAsync(string configuration)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = Create(configuration, prefix);
        using var second = Create(configuration, prefix);
        using var a = first.Client();
        using var b = second.Client();
        await Eventually.HoldsAsync(() => Cache(first).IsListening && Cache(second).IsListening);

        for (var trial = 0; trial < Trials; trial++)
        {
            var login = await a.LoginAsync("alice");
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // fills B
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // from B's cache
            Assert.True(Cache(second).Count > 0);

            Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
            var lag = Stopwatch.StartNew();
            while (await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token) != HttpStatusCode.Unauthorized)
            {
                Assert.True(lag.Elapsed < RedisNearCache.MaxStaleness, $"trial {trial}: B still accepted the token {lag.Elapsed} after the sign-out");
            }
        }
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
