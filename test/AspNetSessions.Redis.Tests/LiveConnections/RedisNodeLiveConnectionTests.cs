using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.LiveConnections;

/// <summary><see cref="RedisLiveConnectionTests"/> on one redis-server.</summary>
[Collection(WallClockCollection.Name)] // a connection closed within 1 s: run alone, with its own servers
public sealed class RedisNodeLiveConnectionTests(RedisServerFixture redis) : RedisLiveConnectionTests, IClassFixture<RedisServerFixture>
{
    protected override string Configuration => redis.Server.ConfigurationString;
}
