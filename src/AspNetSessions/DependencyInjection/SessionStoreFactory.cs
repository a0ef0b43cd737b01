using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Creates the store in use (see <see cref="SessionStoreSelection"/>), wrapped in its instrumentation.</summary>
internal static class SessionStoreFactory
{
    public static ISessionStore Create(IServiceProvider services)
    {
        var chosen = SessionStoreSelection.Choose(services, out var options);
        var store = chosen?.Factory(services)
            ?? throw new InvalidOperationException($"{options.StoreKey} names no registered session store.");
        var instrumented = new InstrumentedSessionStore(store, services.GetRequiredService<SessionMetrics>(), services.GetRequiredService<SessionStoreOutage>());
        var nearCache = services.GetRequiredService<IOptions<SessionNearCacheOptions>>().Value;
        if (!nearCache.Enabled)
        {
            return instrumented;
        }

        // In front of the instrumentation, so store metrics keep measuring real round trips.
        var feed = services.GetRequiredService<SessionStoreSelection>().ChangeFeed
            ?? throw new InvalidOperationException(SessionStoreOptionsValidator.NearCacheUnsupported(chosen!, services));
        return new NearCacheSessionStore(instrumented, feed, nearCache, services.GetRequiredService<TimeProvider>(),
            new NearCacheMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
    }
}
