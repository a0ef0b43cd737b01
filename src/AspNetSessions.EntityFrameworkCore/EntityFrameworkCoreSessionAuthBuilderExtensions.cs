using AspNetSessions;
using AspNetSessions.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Entity Framework Core session store.</summary>
public static class EntityFrameworkCoreSessionAuthBuilderExtensions
{
    /// <summary>
    /// Keeps sessions in the app's own <typeparamref name="TContext"/>, whose <c>OnModelCreating</c> calls
    /// <c>modelBuilder.AddSessions()</c>; store options bound from <c>SessionAuth:EntityFrameworkCore</c>.
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    public static SessionAuthBuilder AddEntityFrameworkCoreStore<TContext>(this SessionAuthBuilder builder)
        where TContext : DbContext => builder.AddEntityFrameworkCoreStore<TContext>(configure: null);

    /// <summary>
    /// Keeps sessions in the app's own <typeparamref name="TContext"/>, whose <c>OnModelCreating</c> calls
    /// <c>modelBuilder.AddSessions()</c> (same database, same migrations). The store uses the app's
    /// <see cref="IDbContextFactory{TContext}"/> when one is registered (pooled or not), else a scoped context per call.
    /// It is used when <c>SessionAuth:Store</c> is <c>EntityFrameworkCore</c>, or when it is unset (the store added last wins).
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="configure">Configures the store (the pruner) after binding <c>SessionAuth:EntityFrameworkCore</c>, or <see langword="null"/>.</param>
    public static SessionAuthBuilder AddEntityFrameworkCoreStore<TContext>(this SessionAuthBuilder builder, Action<EntityFrameworkCoreSessionStoreOptions>? configure)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(EntityFrameworkCoreSessionStore<TContext>)))
        {
            return builder;
        }

        var path = builder.Configuration is IConfigurationSection section ? $"{section.Path}:EntityFrameworkCore" : null;
        // Binds SessionAuth:EntityFrameworkCore and makes its keys part of the startup check of the SessionAuth section.
        builder.BindSection<EntityFrameworkCoreSessionStoreOptions>("EntityFrameworkCore");
        var options = services.AddOptions<EntityFrameworkCoreSessionStoreOptions>();

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(static sp => new EntityFrameworkCoreSessionStore<TContext>(
            ContextSource<TContext>(sp), sp.GetRequiredService<ILoggerFactory>().CreateLogger("AspNetSessions.EntityFrameworkCore"),
            sp.GetRequiredService<IOptions<EntityFrameworkCoreSessionStoreOptions>>().Value.LookupDataSource));
        // Non-generic, for provider add-ons (AspNetSessions.EntityFrameworkCore.PostgreSQL) that do not know TContext.
        services.AddSingleton<IEntityFrameworkCoreSessionStore>(static sp => sp.GetRequiredService<EntityFrameworkCoreSessionStore<TContext>>());
        services.AddSingleton<SessionPruner<TContext>>();
        const string name = EntityFrameworkCoreSessionStoreOptions.StoreName;
        return builder
            .ValidateStoreOptions(name, _ => new EntityFrameworkCoreSessionStoreOptionsValidator(path))
            .AddStoreHostedService(name, static sp => sp.GetRequiredService<SessionPruner<TContext>>())
            .AddStoreHostedService(name, static sp => new SessionTableCheck<TContext>(sp))
            .AddStore(name,
                static sp => sp.GetRequiredService<EntityFrameworkCoreSessionStore<TContext>>(),
                static sp => ChangeFeedHint(sp.GetRequiredService<EntityFrameworkCoreSessionStore<TContext>>().GetProviderName()));
    }

    /// <summary>
    /// Keeps sessions in a dedicated, pooled context of this package (<see cref="SessionDbContext"/>), on the database that
    /// <paramref name="configureDatabase"/> names, e.g. <c>db => db.UseNpgsql(connectionString)</c>, with the default tables.
    /// Store options are bound from <c>SessionAuth:EntityFrameworkCore</c> (or <c>services.Configure&lt;EntityFrameworkCoreSessionStoreOptions&gt;</c>).
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="configureDatabase">Chooses the provider and connection.</param>
    public static SessionAuthBuilder AddEntityFrameworkCoreStore(this SessionAuthBuilder builder, Action<DbContextOptionsBuilder> configureDatabase) =>
        builder.AddEntityFrameworkCoreStore(configureDatabase, configureModel: null);

    /// <summary>
    /// Keeps sessions in a dedicated, pooled context of this package (<see cref="SessionDbContext"/>), on the database that
    /// <paramref name="configureDatabase"/> names, with the tables <paramref name="configureModel"/> describes.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="configureDatabase">Chooses the provider and connection.</param>
    /// <param name="configureModel">Tables, schema, model version and promoted metadata, or <see langword="null"/> for the defaults.</param>
    public static SessionAuthBuilder AddEntityFrameworkCoreStore(
        this SessionAuthBuilder builder,
        Action<DbContextOptionsBuilder> configureDatabase,
        Action<SessionModelOptions>? configureModel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configureDatabase);
        builder.Services.AddPooledDbContextFactory<SessionDbContext>(db =>
        {
            configureDatabase(db);
            SessionDbContext.UseModel(db, configureModel);
        });
        return builder.AddEntityFrameworkCoreStore<SessionDbContext>(configure: null);
    }

    /// <summary>For the near-cache's startup error: the store announces no changes by itself; only the PostgreSQL add-on gives it a feed.</summary>
    private static string ChangeFeedHint(string? provider) =>
        "announce its changes with the AspNetSessions.EntityFrameworkCore.PostgreSQL package: call AddPostgreSqlChangeNotifications() after AddEntityFrameworkCoreStore(...) "
        + $"(the store is on {provider ?? "no provider"}; a database other than PostgreSQL has no change channel)";

    private static Func<SessionContextLease<TContext>> ContextSource<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        if (services.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            return () =>
            {
                var context = factory.CreateDbContext();
                return new SessionContextLease<TContext>(context, context);
            };
        }

        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        return () =>
        {
            var scope = scopes.CreateScope();
            return new SessionContextLease<TContext>(scope.ServiceProvider.GetRequiredService<TContext>(), scope);
        };
    }
}
