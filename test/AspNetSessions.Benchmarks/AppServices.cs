using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Benchmarks;

/// <summary>The container the benchmarks resolve the library from, built as an app's is, and the manager's hot call.</summary>
internal static class AppServices
{
    /// <summary>
    /// Logging plus what <paramref name="configure"/> adds, with scope validation: request-scoped services (the
    /// authentication service and its handler cache) must come from each request's scope, as in ASP.NET Core.
    /// </summary>
    public static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>The default scheme's manager, whose <c>AuthenticateCoreAsync</c> is the handler's one call.</summary>
    public static SessionManager Manager(IServiceProvider services) =>
        services.GetRequiredKeyedService<SessionManager>(SessionAuthenticationDefaults.AuthenticationScheme);

    /// <summary>
    /// <c>AuthenticateCoreAsync</c>, its result read in place when it completed synchronously (the memory store, a
    /// near-cache hit), so an async wrapper stays out of the numbers.
    /// </summary>
    public static Session? Authenticate(SessionManager manager, ReadOnlyMemory<char> token)
    {
        var pending = manager.AuthenticateCoreAsync(token, default);
        return pending.IsCompletedSuccessfully ? pending.Result.Session : pending.AsTask().GetAwaiter().GetResult().Session;
    }
}
