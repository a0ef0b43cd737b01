using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.LiveConnections;

/// <summary><see cref="RedisLiveConnectionTests"/> on one redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNodeLiveConnectionTests(RedisServerFixture redis) : RedisLiveConnectionTests
{
    protected override string Configuration => redis.Server.ConfigurationString;
}
