using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.LiveConnections;

namespace AspNetSessions.Redis.Tests.Sentinel;

/// <summary><see cref="RedisLiveConnectionTests"/> through Sentinel: the instances find the primary, and subscribe, through it.</summary>
[Collection(WallClockCollection.Name)] // a connection closed within 1 s: run alone, with its own servers
public sealed class RedisSentinelLiveConnectionTests(RedisSentinelFixture redis) : RedisLiveConnectionTests, IClassFixture<RedisSentinelFixture>
{
    protected override string Configuration => redis.Group.ConfigurationString;
}
