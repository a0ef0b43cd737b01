using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;

namespace AspNetSessions.Redis.Tests.NearCache;

/// <summary>The store contract through the near-cache on a real redis-server, with the change channel live.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNearCacheContractTests(RedisServerFixture redis) : SessionStoreContract, IAsyncLifetime
{
    private readonly RedisNearCache _cache = new(redis.Server.ConfigurationString);

    protected override ISessionStore Store => _cache.Store;

    public async Task InitializeAsync() => await _cache.ListeningAsync();

    public async Task DisposeAsync() => await _cache.DisposeAsync();
}

/// <summary>The race suite through the near-cache on a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNearCacheRaceTests(RedisServerFixture redis) : SessionRaceContract, IAsyncLifetime
{
    private readonly RedisNearCache _cache = new(redis.Server.ConfigurationString);

    protected override ISessionStore Store => _cache.Store;

    public async Task InitializeAsync() => await _cache.ListeningAsync();

    public async Task DisposeAsync() => await _cache.DisposeAsync();
}

/// <summary>The store contract through the near-cache on the Redis Cluster (3 primaries + 3 replicas).</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterNearCacheContractTests(RedisClusterFixture cluster) : SessionStoreContract, IAsyncLifetime
{
    private readonly RedisNearCache _cache = new(cluster.Cluster.ConfigurationString);

    protected override ISessionStore Store => _cache.Store;

    public async Task InitializeAsync() => await _cache.ListeningAsync();

    public async Task DisposeAsync() => await _cache.DisposeAsync();
}
