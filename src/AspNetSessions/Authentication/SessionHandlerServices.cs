using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// What every <see cref="SessionAuthenticationHandler"/> needs besides its options, in one singleton. ASP.NET Core
/// creates a handler per request, and each constructor argument and keyed lookup is paid per request: this keeps the
/// handler's construction as cheap as a plain handler's and finds the scheme's manager without a keyed-service lookup.
/// </summary>
internal sealed class SessionHandlerServices(
    IServiceProvider services,
    SessionKindRegistry kinds,
    SessionMetrics metrics,
    IOptions<SessionStoreOptions> storeOptions,
    SessionStoreOutage outage)
{
    // Copy-on-write: a scheme is added once, on its first request; every later request reads without a lock.
    private volatile (string Scheme, SessionManager Manager)[] _managers = [];
    private readonly Lock _adding = new();

    public SessionKindRegistry Kinds { get; } = kinds;

    public SessionMetrics Metrics { get; } = metrics;

    public SessionStoreOptions StoreOptions => storeOptions.Value;

    public SessionStoreOutage Outage { get; } = outage;

    /// <summary>The scheme's manager (the keyed singleton registered with the scheme).</summary>
    public SessionManager Manager(string scheme)
    {
        foreach (var (name, manager) in _managers)
        {
            if (string.Equals(name, scheme, StringComparison.Ordinal))
            {
                return manager;
            }
        }

        return Add(scheme);
    }

    private SessionManager Add(string scheme)
    {
        var manager = services.GetRequiredKeyedService<SessionManager>(scheme);
        lock (_adding)
        {
            var managers = _managers;
            if (Array.FindIndex(managers, m => string.Equals(m.Scheme, scheme, StringComparison.Ordinal)) < 0)
            {
                _managers = [.. managers, (scheme, manager)];
            }
        }

        return manager;
    }
}
