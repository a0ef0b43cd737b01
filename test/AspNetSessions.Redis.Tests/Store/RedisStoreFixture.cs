using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Store;

/// <summary>A Redis session store on the shared test server, under a key prefix no other test uses.</summary>
internal sealed class RedisStoreUnderTest : IAsyncDisposable
{
    public RedisStoreUnderTest(RedisServer server)
    {
        KeyPrefix = RedisServerFixture.NewKeyPrefix();
        Store = new RedisSessionStore(new RedisClient(RedisConfiguration.Parse(server.ConfigurationString)), KeyPrefix);
    }

    public string KeyPrefix { get; }

    public RedisSessionStore Store { get; }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
