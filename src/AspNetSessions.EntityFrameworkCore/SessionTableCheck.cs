using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// At startup, one read of every session table, in the background: startup neither waits for the database nor fails while
/// it is down. A table or database that does not exist (migrations not applied, a wrong name) is then reported by the store
/// (event 1508, with the fix) before any request meets it; an unreachable database is left to the outage log of the first
/// call that needs it.
/// </summary>
internal sealed class SessionTableCheck<TContext>(IServiceProvider services) : BackgroundService
    where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await services.GetRequiredService<EntityFrameworkCoreSessionStore<TContext>>().PingAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            // Logged by the store when it is a configuration mistake; an outage is the first request's to report.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
