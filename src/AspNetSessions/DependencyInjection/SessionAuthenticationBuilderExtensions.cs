using AspNetSessions;
using AspNetSessions.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a session scheme to an <see cref="AuthenticationBuilder"/>, to compose with other schemes.</summary>
public static class SessionAuthenticationBuilderExtensions
{
    /// <summary>Adds the default session scheme (<c>Session</c>).</summary>
    /// <param name="builder">The authentication builder.</param>
    public static AuthenticationBuilder AddSession(this AuthenticationBuilder builder) =>
        builder.AddSession(SessionAuthenticationDefaults.AuthenticationScheme, configuration: null, configure: null);

    /// <summary>Adds a session scheme configured in code.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="scheme">The scheme (and default kind) name.</param>
    /// <param name="configure">Configures the kind.</param>
    public static AuthenticationBuilder AddSession(this AuthenticationBuilder builder, string scheme, Action<SessionAuthenticationOptions>? configure) =>
        builder.AddSession(scheme, configuration: null, configure);

    /// <summary>
    /// Adds a session scheme: its handler, its keyed <see cref="ISessionManager"/>, and options bound from
    /// <paramref name="configuration"/> then <paramref name="configure"/>, validated at startup. Sessions live in the
    /// in-memory store unless another backend is added. Adding the same scheme twice adds nothing the second time.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="scheme">The scheme (and default kind) name.</param>
    /// <param name="configuration">The section to bind, or <see langword="null"/>.</param>
    /// <param name="configure">Configures the kind after binding, or <see langword="null"/>.</param>
    public static AuthenticationBuilder AddSession(this AuthenticationBuilder builder, string scheme, IConfiguration? configuration, Action<SessionAuthenticationOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(SessionSchemeRegistration) && ((SessionSchemeRegistration?)d.ImplementationInstance)?.Scheme == scheme))
        {
            return builder;
        }

        SessionStoreServices.Add(services);
        var path = configuration is IConfigurationSection section ? section.Path : null;
        services.AddSingleton(new SessionSchemeRegistration(scheme, configuration is null ? null : path ?? "(configuration)"));
        var options = services.AddOptions<SessionAuthenticationOptions>(scheme);
        if (configuration is not null)
        {
            // Bound only when the whole SessionAuth section checks out: otherwise its problems are reported once, together.
            options.Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<SessionConfigurationReport>() is not { IsValid: false })
                {
                    configuration.Bind(o);
                }
            });
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SessionAuthenticationOptions>, SessionAuthenticationOptionsPostConfigure>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionAuthenticationOptions>, SessionAuthenticationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, SessionScopeAuthorizationHandler>());
        services.TryAddSingleton<SessionKindRegistry>();
        services.TryAddSingleton<SessionHandlerServices>();
        services.TryAddSingleton(static sp => new SessionHandlerLoggerFactory(sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddDataProtection(); // encrypts what sessions carry at rest (SessionSecrets)
        services.TryAddSingleton<SessionMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, RecentAuthenticationHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, DeviceBoundSessionHandler>());

        services.AddKeyedSingleton(scheme, static (sp, key) =>
        {
            var name = (string)key!;
            var options = sp.GetRequiredService<IOptionsMonitor<SessionAuthenticationOptions>>();
            return new SessionManager(
                name,
                options.Get(name),
                sp.GetRequiredService<ISessionStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SessionManager>>(),
                sp.GetRequiredService<SessionMetrics>(),
                new SessionEventDispatcher(() => options.Get(name), sp.GetRequiredService<IServiceScopeFactory>()),
                sp.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        });
        services.AddKeyedSingleton<ISessionManager>(scheme, static (sp, key) => sp.GetRequiredKeyedService<SessionManager>(key));
        services.TryAddSingleton<ISessionManager>(sp => sp.GetRequiredKeyedService<ISessionManager>(scheme));

        return builder.AddScheme<SessionAuthenticationOptions, SessionAuthenticationHandler>(scheme, displayName: null, configure);
    }
}
