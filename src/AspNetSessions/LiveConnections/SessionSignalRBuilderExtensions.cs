using AspNetSessions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Ties SignalR connections to the sessions that authenticated them.</summary>
public static class SessionSignalRBuilderExtensions
{
    /// <summary>
    /// Aborts every hub connection authenticated by a session when that session is revoked (on any app instance whose
    /// store announces it), expires, or has its token rotated. Connections authenticated otherwise are left alone.
    /// Calling it twice adds nothing. Needs <c>AddSessionAuth</c> (or <c>AddSession</c>).
    /// </summary>
    /// <param name="builder">The builder <c>AddSignalR()</c> returned.</param>
    public static ISignalRServerBuilder CloseOnSessionEnd(this ISignalRServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(SessionHubFilter)))
        {
            builder.Services.TryAddSingleton<SessionHubFilter>();
            builder.Services.Configure<HubOptions>(o => o.AddFilter<SessionHubFilter>());
        }

        return builder;
    }
}
