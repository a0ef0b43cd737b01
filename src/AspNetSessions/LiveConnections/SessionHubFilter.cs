using Microsoft.AspNetCore.SignalR;

namespace AspNetSessions;

/// <summary>
/// Registers each SignalR connection authenticated by a session with <see cref="SessionLiveConnections"/> and aborts it
/// when the session ends; connections not authenticated by a session are left alone.
/// </summary>
internal sealed class SessionHubFilter(SessionLiveConnections connections) : IHubFilter
{
    private static readonly object RegistrationKey = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.GetHttpContext() is { } http
            && await connections.RegisterAsync(http, () => Abort(context.Context), context.Context.ConnectionAborted).ConfigureAwait(false) is { } registration)
        {
            context.Context.Items[RegistrationKey] = registration;
        }

        await next(context).ConfigureAwait(false);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.Remove(RegistrationKey, out var registration))
        {
            ((IDisposable)registration!).Dispose();
        }

        await next(context, exception).ConfigureAwait(false);
    }

    private static Task Abort(HubCallerContext connection)
    {
        connection.Abort();
        return Task.CompletedTask;
    }
}
