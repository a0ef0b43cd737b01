using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Deletes expired rows in the background: every <see cref="EntityFrameworkCoreSessionStoreOptions.PruneInterval"/>, after a
/// random first delay (instances started together do not prune together), in DELETE statements of at most
/// <see cref="EntityFrameworkCoreSessionStoreOptions.PruneBatchSize"/> rows. Safe with several instances: each statement
/// deletes only rows already expired, and rows another instance deleted first are simply not counted.
/// Expired rows are never returned anyway; pruning only reclaims space.
/// </summary>
internal sealed class SessionPruner<TContext>(
    IServiceProvider services,
    IOptions<EntityFrameworkCoreSessionStoreOptions> options,
    TimeProvider time,
    ILogger<SessionPruner<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.PruneExpired)
        {
            return;
        }

        try
        {
            await Task.Delay(o.PruneInterval * Random.Shared.NextDouble(), time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(o.PruneInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pruning run over every session table; failures are logged and left to the next run.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var store = (EntityFrameworkCoreSessionStore<TContext>)services.GetService(typeof(EntityFrameworkCoreSessionStore<TContext>))!;
        long total = 0;
        try
        {
            foreach (var table in store.Tables.Tables)
            {
                long deleted = 0;
                for (var batch = 0; batch < o.PruneMaxBatchesPerRun; batch++)
                {
                    var n = await store.PruneBatchAsync(table, time.GetUtcNow(), o.PruneBatchSize, cancellationToken).ConfigureAwait(false);
                    deleted += n;
                    if (n < o.PruneBatchSize)
                    {
                        break;
                    }
                }

                if (deleted > 0)
                {
                    Log.PrunerDeleted(logger, deleted, table.EntityName);
                }

                total += deleted;
            }
        }
        catch (SessionStoreUnavailableException e)
        {
            Log.PrunerFailed(logger, e);
        }

        return total;
    }
}
