using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.NearCache;

/// <summary>One app instance's near-cache over its own Redis store (its own multiplexer), on a fake clock.</summary>
internal sealed class RedisNearCache : IAsyncDisposable
{
    public static readonly TimeSpan MaxStaleness = NearCacheScenario.MaxStaleness;

    private readonly TestMeterFactory _meters = new();
    private readonly RedisStoreUnderTest _store;

    public RedisNearCache(string configuration, string? keyPrefix = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        _store = new RedisStoreUnderTest(new RedisSessionStoreOptions { Configuration = configuration, KeyPrefix = keyPrefix ?? RedisServerFixture.NewKeyPrefix(), CommandTimeout = RedisStoreUnderTest.UnhurriedCommandTimeout });
        Cache = new NearCacheSessionStore(_store.Store, _store.ChangeFeed(), new SessionNearCacheOptions { Enabled = true, MaxStaleness = MaxStaleness }, Time, new NearCacheMetrics(_meters));
    }

    public FakeTimeProvider Time { get; }

    public string KeyPrefix => _store.KeyPrefix;

    public NearCacheSessionStore Cache { get; }

    public ISessionStore Store => Cache;

    /// <summary>Another app instance on the same Redis, key prefix and clock.</summary>
    public RedisNearCache SecondInstance(string configuration) => new(configuration, KeyPrefix, Time);

    /// <summary>Waits (bounded) until the change channel is live: until then the cache is bypassed.</summary>
    public async Task<RedisNearCache> ListeningAsync()
    {
        await Eventually.HoldsAsync(() => Cache.IsListening);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync();
        _meters.Dispose();
    }
}
