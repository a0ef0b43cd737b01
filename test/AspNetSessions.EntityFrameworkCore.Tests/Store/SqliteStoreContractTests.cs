using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>A SQLite file in a temp directory (WAL, so readers never wait for the writer), deleted afterwards.</summary>
public sealed class SqliteStoreFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aspnetsessions-sqlite-").FullName;

    public StoreHost? Host { get; private set; }

    public string ConnectionString => $"Data Source={Path.Combine(_directory, "sessions.db")}";

    public async Task InitializeAsync()
    {
        Host = await StoreHost.StartAsync(db => db.UseSqlite(ConnectionString));
        await using var context = Host!.NewContext();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
    }

    public async Task DisposeAsync()
    {
        // Also when InitializeAsync failed: the directory exists from construction on.
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class SqliteStoreContractTests(SqliteStoreFixture fixture) : SessionStoreContract, IClassFixture<SqliteStoreFixture>
{
    protected override ISessionStore Store => fixture.Host!.SessionStore;
}

public sealed class SqliteRaceContractTests(SqliteStoreFixture fixture) : SessionRaceContract, IClassFixture<SqliteStoreFixture>
{
    protected override ISessionStore Store => fixture.Host!.SessionStore;
}

public sealed class SqliteExpiryContractTests(SqliteStoreFixture fixture) : SessionExpiryContract, IClassFixture<SqliteStoreFixture>
{
    protected override ISessionStore Store => fixture.Host!.SessionStore;
}
