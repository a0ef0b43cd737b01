using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions;

/// <summary>Creates the store in use (see <see cref="SessionStoreSelection"/>), wrapped in its instrumentation.</summary>
internal static class SessionStoreFactory
{
    public static ISessionStore Create(IServiceProvider services)
    {
        var chosen = SessionStoreSelection.Choose(services, out var options);
        var store = chosen?.Factory(services)
            ?? throw new InvalidOperationException($"{options.StoreKey} names no registered session store.");
        return new InstrumentedSessionStore(store, services.GetRequiredService<SessionMetrics>(), services.GetRequiredService<SessionStoreOutage>());
    }
}
