using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.LiveConnections;
using AspNetSessions.Stores;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// <see cref="RedisLiveConnectionTests"/> on the shared Cluster: a user's sessions live on the shard of their user group,
/// so the announcements of a revocation are published on that shard's primary, while B's subscription is on whichever
/// node the channel's slot names.
/// </summary>
[Collection(WallClockCollection.Name)] // a connection closed within 1 s: run alone, with its own servers
public sealed class RedisClusterLiveConnectionTests(RedisClusterFixture redis) : RedisLiveConnectionTests, IClassFixture<RedisClusterFixture>
{
    protected override string Configuration => redis.Cluster.ConfigurationString;

    /// <summary>The first demo user on each primary's shard (by the slot of their user group's hash tag).</summary>
    protected override async Task<IReadOnlyList<string>> UsersApartAsync()
    {
        var byShard = new Dictionary<RedisServer, string>();
        for (var i = 0; byShard.Count < 3 && i < DemoUsers; i++)
        {
            var user = RedisSampleApp.DemoUser(i);
            byShard.TryAdd(await redis.Cluster.PrimaryOfAsync("{" + SessionIds.UserGroupOfUser(user) + "}"), user);
        }

        Assert.Equal(3, byShard.Count);
        return [.. byShard.Values];
    }
}
