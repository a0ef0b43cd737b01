using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;

namespace AspNetSessions.EntityFrameworkCore.Tests.NearCache;

/// <summary>One near-cached instance on a database of its own, for every contract test of a class.</summary>
public sealed class PostgresNearCacheFixture(PostgresServer server) : IAsyncLifetime
{
    internal PostgresNearCache Instance { get; private set; } = null!;

    public async Task InitializeAsync() => Instance = await PostgresNearCache.StartAsync(await server.CreateDatabaseAsync("nearcache"));

    public async Task DisposeAsync() => await Instance.DisposeAsync();
}

/// <summary>The store contract through the near-cache on PostgreSQL, with the change channel live.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNearCacheContractTests(PostgresNearCacheFixture fixture) : SessionStoreContract, IClassFixture<PostgresNearCacheFixture>
{
    protected override ISessionStore Store => fixture.Instance.Store;
}

/// <summary>The race suite through the near-cache on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNearCacheRaceTests(PostgresNearCacheFixture fixture) : SessionRaceContract, IClassFixture<PostgresNearCacheFixture>
{
    protected override ISessionStore Store => fixture.Instance.Store;
}
