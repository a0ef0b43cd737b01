using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>One store on one database of the shared server, for every contract test of a class.</summary>
public sealed class PostgresStoreFixture(PostgresServer server) : IAsyncLifetime
{
    public StoreHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync("contract");
        Host = await StoreHost.StartAsync(db => db.UseNpgsql(ConnectionString));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresStoreFixture fixture) : SessionStoreContract, IClassFixture<PostgresStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRaceContractTests(PostgresStoreFixture fixture) : SessionRaceContract, IClassFixture<PostgresStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresExpiryContractTests(PostgresStoreFixture fixture) : SessionExpiryContract, IClassFixture<PostgresStoreFixture>
{
    protected override ISessionStore Store => fixture.Host.SessionStore;
}
