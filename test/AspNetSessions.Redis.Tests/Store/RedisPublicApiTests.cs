using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Store;

public sealed class RedisPublicApiTests
{
    [Fact]
    public void The_public_api_of_the_redis_package_matches_the_snapshot()
    {
        PublicApiSnapshot.Assert(typeof(RedisSessionStoreOptions).Assembly, "AspNetSessions.Redis");
    }
}
