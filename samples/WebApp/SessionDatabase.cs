using AspNetSessions.EntityFrameworkCore;
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

    /// <summary>
    /// Creates the session tables when the EF Core store is the one in use (SQLite: in WAL mode, so reads never wait for
    /// a write). In the sample's own process a bad setting is one line and <see langword="false"/>; under a test host or
    /// tool the exception is thrown, as <c>ValidateConfiguration()</c> does.
    /// </summary>
    public static async Task<bool> CreateSchemaAsync(IHost app)
    {
        // The sample always names its store (appsettings.json), so the setting says which one is in use.
        var store = app.Services.GetRequiredService<IConfiguration>()["SessionAuth:Store"];
        if (!string.Equals(store, EntityFrameworkCoreSessionStoreOptions.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            await using var context = await app.Services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync();
            await context.Database.EnsureCreatedAsync();
            if (context.Database.IsSqlite())
            {
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
            }

            return true;
        }
        catch (InvalidOperationException e) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(SessionDatabase).Assembly)
        {
            Console.Error.WriteLine("The configuration is not valid:");
            Console.Error.WriteLine("  " + e.Message);
            return false;
        }
    }
}
