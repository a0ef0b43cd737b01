using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// The store side of the wiring, shared by <c>AddSessionAuth</c> and <c>AddAuthentication().AddSession</c>: the
/// backend selection (in-memory first, so a backend added later wins when <c>Store</c> is unset), its startup
/// validation, the instrumented <see cref="ISessionStore"/> singleton, its health check and the registry of live
/// connections (<see cref="SessionLiveConnections"/>). Added once.
/// </summary>
internal static class SessionStoreServices
{
    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SessionStoreRegistration)))
        {
            return;
        }

        services.AddSingleton(new SessionStoreRegistration("Memory", static sp => new MemorySessionStore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MemorySessionStore>>())));
        services.AddOptions<SessionNearCacheOptions>();
        services.AddOptions<SessionStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionStoreOptions>, SessionStoreOptionsValidator>());
        services.TryAddSingleton<ISessionStore>(SessionStoreFactory.Create);
        services.TryAddSingleton(static sp => new SessionStoreSelection(sp));
        services.TryAddSingleton<SessionStoreOutage>();
        services.TryAddSingleton<SessionLiveConnections>();
        StoreUnavailableAnswer.Add(services);
        services.AddHealthChecks().AddCheck<SessionStoreHealthCheck>(SessionStoreHealthCheck.Name, tags: ["ready"]);
    }
}
