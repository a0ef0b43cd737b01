using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace AspNetSessions;

/// <summary>
/// Puts the 503 answer around the whole pipeline, whatever the app wires (<c>UseSessionAuth()</c>, or its own
/// <c>UseAuthentication()</c>/<c>UseAuthorization()</c> with or without an exception handler): an unreachable store
/// thrown from any endpoint is never a 500.
/// </summary>
internal sealed class SessionStoreUnavailableStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<SessionStoreUnavailableMiddleware>();
        next(app);
    };
}
