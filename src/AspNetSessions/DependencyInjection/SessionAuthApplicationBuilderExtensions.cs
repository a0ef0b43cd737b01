using AspNetSessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds session authentication to the request pipeline.</summary>
public static class SessionAuthApplicationBuilderExtensions
{
    /// <summary>
    /// Adds, in this order: the answer 503 with <c>Retry-After</c> to any request that hits an unreachable session
    /// store (instead of a 500), authentication, and authorization. Call it after routing and CORS, before endpoints.
    /// </summary>
    /// <param name="app">The app.</param>
    public static IApplicationBuilder UseSessionAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<SessionStoreUnavailableMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
