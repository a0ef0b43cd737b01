using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The EF Core store's lookup data sources on PostgreSQL (<see cref="EntityFrameworkCoreSessionStoreOptions.LookupDataSource"/>):
/// an <see cref="NpgsqlDataSource"/> per store, built from its context's connection string, whatever that string says
/// about these: no pool reset on close (the lookup's connections never change session state, so Npgsql's
/// <c>DISCARD ALL</c> before every use would be a second statement per request for nothing, and would drop the prepared
/// statement), the statement auto-prepared on its first use on each physical connection, and multiplexing (concurrent
/// lookups share connections and their writes and reads: one statement each needs no connection state, and it saves
/// the app a quarter of its CPU per request under load, bench/results/postgres-hot-path). Another provider, or a
/// context without a connection string (built on a data source or a connection object), stays on EF Core. The data
/// sources are disposed with the container.
/// </summary>
internal sealed class PostgreSqlLookupDataSources : IAsyncDisposable
{
    /// <summary>Room for the statement of every session table (one each), beside whatever the connection string asks for.</summary>
    private const int MinAutoPrepare = 16;

    private readonly Lock _gate = new();
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public DbDataSource? Create(DbContext context)
    {
        // The connection string as configured (UseNpgsql(string)), with its password; none for a data source or connection object.
        var connectionString = RelationalOptionsExtension.Extract(context.GetService<IDbContextOptions>()).ConnectionString;
        if (!string.Equals(context.Database.ProviderName, PostgreSqlSessionAuthBuilderExtensions.NpgsqlProvider, StringComparison.Ordinal)
            || string.IsNullOrEmpty(connectionString))
        {
            return null;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var options = builder.ConnectionStringBuilder;
        options.NoResetOnClose = true;
        options.MaxAutoPrepare = Math.Max(options.MaxAutoPrepare, Math.Max(MinAutoPrepare, context.Model.GetEntityTypes().Count()));
        options.AutoPrepareMinUsages = 1;
        options.Multiplexing = true;
        var dataSource = builder.Build();
        lock (_gate)
        {
            _dataSources.Add(dataSource);
        }

        return dataSource;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlDataSource[] dataSources;
        lock (_gate)
        {
            dataSources = [.. _dataSources];
            _dataSources.Clear();
        }

        foreach (var dataSource in dataSources)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
