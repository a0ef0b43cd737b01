using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AspNetSessions;

/// <summary>Registers the freshness requirement's handler and the result handler that turns its failure into a challenge.</summary>
internal static class RecentAuthenticationServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, RecentAuthenticationHandler>());

        // ASP.NET Core's own result handler (registered with TryAdd by AddAuthorization, before or after us) is replaced,
        // since ours wraps it; an app's own result handler is left alone (it decides what a failed requirement answers).
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing is null || existing.ImplementationType == typeof(AuthorizationMiddlewareResultHandler))
        {
            services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, RecentAuthenticationResultHandler>());
        }
    }
}
