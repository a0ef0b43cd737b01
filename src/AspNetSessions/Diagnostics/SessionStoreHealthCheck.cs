using AspNetSessions.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspNetSessions;

/// <summary>Reports whether the session store answers a ping within <see cref="Timeout"/> (memory: always).</summary>
internal sealed class SessionStoreHealthCheck(ISessionStore store, SessionStoreOutage outage) : IHealthCheck
{
    public const string Name = "session-store";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await store.PingAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The {store.Name} session store answers.");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            outage.Failed(e);
            return HealthCheckResult.Unhealthy($"The {store.Name} session store did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (SessionStoreUnavailableException e)
        {
            // No exception attached: the outage is logged once (SessionStoreOutage), not with a stack per health check.
            outage.Failed(e);
            return HealthCheckResult.Unhealthy($"The {store.Name} session store is unavailable: {e.Message}");
        }
    }
}
