using AspNetSessions;
using AspNetSessions.EntityFrameworkCore;
using AspNetSessions.EntityFrameworkCore.PostgreSQL;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds PostgreSQL change notifications to the Entity Framework Core session store.</summary>
public static class PostgreSqlSessionAuthBuilderExtensions
{
    internal const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// Registers the change feed of the EF Core store (added before with <c>AddEntityFrameworkCoreStore</c>, on Npgsql):
    /// every change to a session is announced with PostgreSQL <c>NOTIFY</c>, from triggers on the session tables (created
    /// on first use if missing; PostgreSQL 14 or later), and heard with <c>LISTEN</c> on a dedicated connection: what the
    /// near-cache (<c>SessionAuth:NearCache:Enabled</c>) needs. Nothing about the store changes. An app may call it and
    /// still run the store on another database by configuration: then the near-cache is refused at startup, with a message.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>, after <c>AddEntityFrameworkCoreStore</c>.</param>
    public static SessionAuthBuilder AddPostgreSqlChangeNotifications(this SessionAuthBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IEntityFrameworkCoreSessionStore)))
        {
            throw new InvalidOperationException("AddPostgreSqlChangeNotifications() announces the changes of the EF Core session store: call AddEntityFrameworkCoreStore(...) before it.");
        }

        return builder.AddChangeFeed(EntityFrameworkCoreSessionStoreOptions.StoreName, static sp =>
        {
            var store = sp.GetRequiredService<IEntityFrameworkCoreSessionStore>();
            if (!string.Equals(store.GetProviderName(), NpgsqlProvider, StringComparison.Ordinal))
            {
                return null; // no channel on this database: the near-cache is refused at startup, saying why
            }

            var connectionString = store.GetConnectionString();
            if (string.IsNullOrEmpty(connectionString))
            {
                throw new InvalidOperationException("AddPostgreSqlChangeNotifications() needs a connection string on the session context, to open its LISTEN connection.");
            }

            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("AspNetSessions.EntityFrameworkCore.PostgreSQL");
            return new PostgreSqlSessionChannel(connectionString, store.TableLocations, logger);
        });
    }

    /// <summary>
    /// Runs the EF Core store's per-request lookup (added before with <c>AddEntityFrameworkCoreStore</c>, on Npgsql) below
    /// EF Core, on a connection pool of its own made from the context's connection string: one auto-prepared statement
    /// per request, which also slides the session when a slide is due, and nothing else on the wire (no pool reset),
    /// whatever the connection string says. Every other call, the model and the migrations stay EF Core's. On another
    /// database, or a context without a connection string, nothing changes. It sets
    /// <see cref="EntityFrameworkCoreSessionStoreOptions.LookupDataSource"/> unless the app has set it.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>, after <c>AddEntityFrameworkCoreStore</c>.</param>
    public static SessionAuthBuilder AddPostgreSqlLookups(this SessionAuthBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IEntityFrameworkCoreSessionStore)))
        {
            throw new InvalidOperationException("AddPostgreSqlLookups() runs the lookups of the EF Core session store: call AddEntityFrameworkCoreStore(...) before it.");
        }

        builder.Services.TryAddSingleton<PostgreSqlLookupDataSources>();
        builder.Services.AddOptions<EntityFrameworkCoreSessionStoreOptions>()
            .Configure<PostgreSqlLookupDataSources>(static (options, dataSources) => options.LookupDataSource ??= dataSources.Create);
        return builder;
    }
}
