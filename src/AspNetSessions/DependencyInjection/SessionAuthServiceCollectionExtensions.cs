using AspNetSessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds session authentication to an app's services.</summary>
public static class SessionAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds session authentication configured from a section (usually <c>SessionAuth</c>): the default kind and
    /// scheme <c>Session</c>, the kinds under <c>Kinds</c>, the store named by <c>Store</c> (in-memory by default),
    /// authorization, and an <see cref="ISessionManager"/> per kind. Options are validated at startup.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The <c>SessionAuth</c> section.</param>
    public static SessionAuthBuilder AddSessionAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSessionAuth(configuration, configure: null);
    }

    /// <summary>Adds session authentication configured in code; see <see cref="AddSessionAuth(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Configures the default kind.</param>
    public static SessionAuthBuilder AddSessionAuth(this IServiceCollection services, Action<SessionAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSessionAuth(configuration: null, configure);
    }

    /// <summary>Adds session authentication with its defaults; see <see cref="AddSessionAuth(IServiceCollection, IConfiguration)"/>.</summary>
    /// <param name="services">The app's services.</param>
    public static SessionAuthBuilder AddSessionAuth(this IServiceCollection services) =>
        services.AddSessionAuth(configuration: null, configure: null);

    /// <summary>
    /// Adds session authentication configured from a section and then in code; see
    /// <see cref="AddSessionAuth(IServiceCollection, IConfiguration)"/>. Calling it again adds nothing twice.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The <c>SessionAuth</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Configures the default kind after binding, or <see langword="null"/>.</param>
    public static SessionAuthBuilder AddSessionAuth(this IServiceCollection services, IConfiguration? configuration, Action<SessionAuthenticationOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        const string scheme = SessionAuthenticationDefaults.AuthenticationScheme;

        var authentication = services.AddAuthentication();
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme ??= scheme);
        services.AddAuthorization();
        var builder = new SessionAuthBuilder(services, authentication, configuration);

        if (services.Any(d => d.ServiceType == typeof(SessionConfigurationReport)))
        {
            return builder; // already added (the report is this call's own registration): TryAdd semantics for the whole call
        }

        SessionStoreServices.Add(services);
        builder.BindSection<SessionNearCacheOptions>("NearCache");
        services.AddSingleton(sp => new SessionConfigurationReport(configuration, sp.GetServices<SessionConfigurationSection>()));
        if (configuration is not null)
        {
            services.AddOptions<SessionStoreOptions>().Configure<SessionConfigurationReport>((o, report) =>
            {
                var path = configuration is IConfigurationSection section ? section.Path + ":" : string.Empty;
                o.StoreKey = path + "Store";
                o.RetryAfterKey = path + nameof(SessionStoreOptions.StoreUnavailableRetryAfter);
                o.LiveConnectionCheckIntervalKey = path + nameof(SessionStoreOptions.LiveConnectionCheckInterval);
                if (report.IsValid)
                {
                    o.Store = configuration["Store"] is { Length: > 0 } store ? store : null;
                    o.StoreUnavailableRetryAfter = configuration.GetValue(nameof(SessionStoreOptions.StoreUnavailableRetryAfter), o.StoreUnavailableRetryAfter);
                    o.LiveConnectionCheckInterval = configuration.GetValue(nameof(SessionStoreOptions.LiveConnectionCheckInterval), o.LiveConnectionCheckInterval);
                }
            });
        }

        authentication.AddSession(scheme, configuration, configure);
        if (configuration is not null)
        {
            foreach (var kind in configuration.GetSection("Kinds").GetChildren())
            {
                builder.AddKind(kind.Key);
            }
        }

        return builder;
    }
}
