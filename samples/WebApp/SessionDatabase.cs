using AspNetSessions.EntityFrameworkCore;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;

namespace WebApp;

/// <summary>
/// The sample's session database, for <c>SessionAuth:Store=EntityFrameworkCore</c>: <c>Database:Provider</c>
/// (<c>Postgres</c> or <c>Sqlite</c>) and <c>ConnectionStrings:Sessions</c> choose it; the schema is created at startup
/// (an app with its own context would apply its migrations instead).
/// </summary>
public static class SessionDatabase
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringKey = "ConnectionStrings:Sessions";

    /// <summary>Points the store's context at the configured database; a missing or unknown setting names its key.</summary>
    public static void Configure(DbContextOptionsBuilder db, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{ConnectionStringKey} is required when SessionAuth:Store is EntityFrameworkCore, e.g. 'Host=127.0.0.1;Port=5432;Username=postgres;Database=sessions' or 'Data Source=sessions.db'.");
        }

        var provider = configuration[ProviderKey];
        if (string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            db.UseNpgsql(connectionString);
        }
        else if (string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            db.UseSqlite(connectionString);
        }
        else
        {
            throw new InvalidOperationException($"{ProviderKey} must be 'Postgres' or 'Sqlite' when SessionAuth:Store is EntityFrameworkCore; got '{provider}'.");
        }
    }

    /// <summary>Creates the session tables when the EF Core store is the one in use (SQLite: in WAL mode, so reads never wait for a write).</summary>
    public static async Task CreateSchemaAsync(IServiceProvider services)
    {
        if (!services.GetRequiredService<SessionStoreSelection>().IsSelected("EntityFrameworkCore"))
        {
            return;
        }

        await using var context = await services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync();
        await context.Database.EnsureCreatedAsync();
        if (context.Database.IsSqlite())
        {
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
        }
    }
}
