using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// The store wired exactly as an app wires it (<c>AddSessionAuth().AddEntityFrameworkCoreStore(...).AddPostgreSqlLookups()</c>,
/// or without the last call: <c>efCoreOnly</c>) on one database, with its schema created from the model.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreHost(ServiceProvider services, CapturingLogs logs)
    {
        _services = services;
        Logs = logs;
    }

    public IServiceProvider Services => _services;

    internal EntityFrameworkCoreSessionStore<SessionDbContext> Store => _services.GetRequiredService<EntityFrameworkCoreSessionStore<SessionDbContext>>();

    public ISessionStore SessionStore => Store;

    public CapturingLogs Logs { get; }

    public static async Task<StoreHost> StartAsync(
        Action<DbContextOptionsBuilder> database,
        Action<SessionModelOptions>? model = null,
        TimeProvider? time = null,
        Action<EntityFrameworkCoreSessionStoreOptions>? store = null,
        bool createSchema = true,
        bool efCoreOnly = false)
    {
        var services = new ServiceCollection();
        var logs = new CapturingLogs();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var sessions = services.AddSessionAuth(_ => { }).AddEntityFrameworkCoreStore(database, model);
        if (!efCoreOnly)
        {
            sessions.AddPostgreSqlLookups(); // as an app on PostgreSQL wires it; on SQLite it changes nothing
        }

        if (store is not null)
        {
            services.Configure(store);
        }

        var provider = services.BuildServiceProvider();
        var host = new StoreHost(provider, logs);
        if (!createSchema)
        {
            return host;
        }

        await using (var context = await provider.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        return host;
    }

    public SessionDbContext NewContext() => _services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContext();

    internal SessionPruner<SessionDbContext> Pruner => _services.GetRequiredService<SessionPruner<SessionDbContext>>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
