using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;

namespace AspNetSessions.Redis.Tests.Store;

/// <summary>The store contract, unchanged, on the Redis backend against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSessionStoreContractTests(RedisServerFixture redis) : SessionStoreContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Server);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>The race suite on the Redis backend.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSessionRaceTests(RedisServerFixture redis) : SessionRaceContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Server);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

/// <summary>The expiry table on the Redis backend: the Lua mirror of SessionExpiry held to the same cases.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSessionExpiryTests(RedisServerFixture redis) : SessionExpiryContract, IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Server);

    protected override ISessionStore Store => _store.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
