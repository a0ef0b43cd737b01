using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.Tests.NearCache;

/// <summary>
/// One app instance wired as an app wires it (<c>AddEntityFrameworkCoreStore(UseNpgsql).AddPostgreSqlChangeNotifications()</c>,
/// <c>NearCache:Enabled</c>) on a real PostgreSQL database, on a fake clock; the pruner is off (tests prune by hand).
/// </summary>
internal sealed class PostgresNearCache : IAsyncDisposable
{
    public static readonly TimeSpan MaxStaleness = NearCacheScenario.MaxStaleness;

    private readonly ServiceProvider _services;

    private readonly string _connectionString;

    private PostgresNearCache(ServiceProvider services, FakeTimeProvider time, string connectionString)
    {
        _services = services;
        Time = time;
        _connectionString = connectionString;
    }

    public FakeTimeProvider Time { get; }

    public NearCacheSessionStore Cache => Assert.IsType<NearCacheSessionStore>(_services.GetRequiredService<ISessionStore>());

    public ISessionStore Store => Cache;

    internal EntityFrameworkCoreSessionStore<SessionDbContext> Database => _services.GetRequiredService<EntityFrameworkCoreSessionStore<SessionDbContext>>();

    public static async Task<PostgresNearCache> StartAsync(string connectionString, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSessionAuth(_ => { })
            .AddEntityFrameworkCoreStore(db => db.UseNpgsql(connectionString))
            .AddPostgreSqlLookups()
            .AddPostgreSqlChangeNotifications();
        services.Configure<SessionNearCacheOptions>(o =>
        {
            o.Enabled = true;
            o.MaxStaleness = MaxStaleness;
        });
        services.Configure<EntityFrameworkCoreSessionStoreOptions>(o => o.PruneExpired = false);
        var provider = services.BuildServiceProvider();
        await using (var context = await provider.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        var instance = new PostgresNearCache(provider, time, connectionString);
        await Eventually.HoldsAsync(() => instance.Cache.IsListening);
        return instance;
    }

    /// <summary>Another app instance on the same database and clock.</summary>
    public Task<PostgresNearCache> SecondInstanceAsync(string connectionString) => StartAsync(connectionString, Time);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        // Each test class takes a database of its own, so each has a pool of its own: give its connections back to the
        // shared server (max_connections), as nothing else of this class will use them.
        using var connection = new NpgsqlConnection(_connectionString);
        NpgsqlConnection.ClearPool(connection);
    }
}
