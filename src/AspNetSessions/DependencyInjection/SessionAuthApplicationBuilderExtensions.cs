namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds session authentication to the request pipeline.</summary>
public static class SessionAuthApplicationBuilderExtensions
{
    /// <summary>
    /// Adds authentication, then authorization. Call it after routing and CORS, before endpoints. (The 503 with
    /// <c>Retry-After</c> for a request that hits an unreachable session store is put around the whole pipeline by
    /// <c>AddSessionAuth</c>, whatever the app wires.)
    /// </summary>
    /// <param name="app">The app.</param>
    public static IApplicationBuilder UseSessionAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
