using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// What <c>cluster-require-full-coverage</c> means for sessions (docs/deploying.md): with Redis's default
/// <c>yes</c>, one shard without a serving primary makes every node refuse every key (<c>CLUSTERDOWN</c>), so users
/// whose sessions live on healthy shards get 503 too; with <c>no</c>, only the lost shard's users do. The shard is lost
/// for good (its primary and its replica killed), so the state cannot end in a promotion while the test looks.
/// </summary>
public sealed class RedisClusterCoverageTests
{
    private const int Users = 24;

    [Fact]
    public async Task With_full_coverage_required_one_lost_shard_answers_503_to_every_user_and_without_it_only_to_that_shards()
    {
        await using var cluster = await RedisCluster.StartAsync(RedisCluster.FastFailureDetection);
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.WithDemoUsers(cluster, prefix, Users);
        using var client = app.Client();
        var logins = new List<SampleApi.Login>();
        for (var i = 0; i < Users; i++)
        {
            logins.Add(await client.LoginAsync(RedisSampleApp.DemoUser(i), RedisSampleApp.DemoPassword));
        }

        // Which primary holds each session, and the one shard to lose (with its replica, so nothing takes over).
        var primaries = await cluster.PrimariesAsync();
        var holder = new Dictionary<string, RedisServer>();
        foreach (var primary in primaries)
        {
            foreach (var login in logins)
            {
                if (await primary.ExecuteAsync("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", prefix + "*" + login.SessionId) == "1")
                {
                    holder[login.SessionId] = primary;
                }
            }
        }

        Assert.Equal(Users, holder.Count);
        var lost = holder.Values.GroupBy(p => p).MaxBy(g => g.Count())!.Key;
        var info = (await lost.ExecuteAsync("INFO", "replication"))!;
        var replicaPort = int.Parse(info.Split('\n').First(l => l.StartsWith("slave0:", StringComparison.Ordinal)).Split(',').First(p => p.StartsWith("port=", StringComparison.Ordinal))["port=".Length..], CultureInfo.InvariantCulture);
        var healthy = logins.Where(l => holder[l.SessionId] != lost).ToList();
        var orphaned = logins.Where(l => holder[l.SessionId] == lost).ToList();
        Assert.NotEmpty(healthy);

        await cluster.Nodes.Single(n => n.Port == replicaPort).StopAsync();
        await lost.StopAsync();
        var survivor = primaries.First(p => p != lost);
        Assert.True(await Eventually.ReturnsAsync(async () => (await survivor.ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:fail", StringComparison.Ordinal), true));

        // Default (yes): users on healthy shards are refused too.
        foreach (var login in healthy)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        foreach (var node in cluster.Nodes.Where(n => n.IsRunning))
        {
            Assert.Equal("OK", await node.ExecuteAsync("CONFIG", "SET", "cluster-require-full-coverage", "no"));
        }

        // no: the healthy shards serve their users again; only the lost shard's users wait.
        foreach (var login in healthy)
        {
            Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
        }

        foreach (var login in orphaned)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }
    }
}
