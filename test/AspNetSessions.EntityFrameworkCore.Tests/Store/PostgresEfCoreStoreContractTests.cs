using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// The store on PostgreSQL without <c>AddPostgreSqlLookups()</c>: every call through EF Core, as on SQLite and SQL
/// Server. (<see cref="PostgresStoreFixture"/> is the store as an app on PostgreSQL wires it, lookups below EF Core.)
/// </summary>
public sealed class PostgresEfCoreStoreFixture(PostgresServer server) : IAsyncLifetime
{
    public StoreHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync("efcore");
        Host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), efCoreOnly: true);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEfCoreStoreContractTests(PostgresEfCoreStoreFixture fixture) : SessionStoreContract, IClassFixture<PostgresEfCoreStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEfCoreRaceContractTests(PostgresEfCoreStoreFixture fixture) : SessionRaceContract, IClassFixture<PostgresEfCoreStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEfCoreExpiryContractTests(PostgresEfCoreStoreFixture fixture) : SessionExpiryContract, IClassFixture<PostgresEfCoreStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}
