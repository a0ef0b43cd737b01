using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions;

/// <summary>
/// Raises the manager's events (created, revoked) on the scheme's current events: <c>Options.Events</c>, or an
/// instance of <c>Options.EventsType</c> resolved in a scope of its own, as the handler resolves it per request.
/// The manager raises them whether or not an HTTP request is involved (background revocation included).
/// </summary>
internal sealed class SessionEventDispatcher(Func<SessionAuthenticationOptions> options, IServiceScopeFactory? scopes)
{
    /// <summary>Events fixed at construction, for managers built without a service provider (tests, benchmarks).</summary>
    public static SessionEventDispatcher For(SessionAuthenticationOptions options) => new(() => options, scopes: null);

    public async Task RaiseAsync<TContext>(TContext context, Func<SessionAuthenticationEvents, TContext, Task> raise)
    {
        var current = options();
        if (current.EventsType is not { } type)
        {
            await raise(current.Events, context).ConfigureAwait(false);
            return;
        }

        if (scopes is null)
        {
            throw new InvalidOperationException($"{nameof(SessionAuthenticationOptions.EventsType)} needs the app's services to resolve it.");
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var events = (SessionAuthenticationEvents)scope.ServiceProvider.GetRequiredService(type);
            await raise(events, context).ConfigureAwait(false);
        }
    }
}
