using AspNetSessions.Redis.Tests.LiveConnections;

namespace AspNetSessions.Redis.Tests.Sentinel;

/// <summary><see cref="RedisLiveConnectionTests"/> through Sentinel: the instances find the primary, and subscribe, through it.</summary>
[Collection(RedisSentinelCollection.Name)]
public sealed class RedisSentinelLiveConnectionTests(RedisSentinelFixture redis) : RedisLiveConnectionTests
{
    protected override string Configuration => redis.Group.ConfigurationString;
}
