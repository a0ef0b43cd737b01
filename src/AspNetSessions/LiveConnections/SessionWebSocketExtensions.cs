using System.Net.WebSockets;
using AspNetSessions;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Http;

/// <summary>Ties a WebSocket to the session that authenticated its request.</summary>
public static class SessionWebSocketExtensions
{
    /// <summary>The close status a socket is closed with when its session ends (1008, policy violation).</summary>
    public const WebSocketCloseStatus SessionEndedStatus = WebSocketCloseStatus.PolicyViolation;

    /// <summary>
    /// Watches the session that authenticated this request for as long as <paramref name="socket"/> is open: when the
    /// session is revoked (on any app instance whose store announces it), expires, or has its token rotated, the socket
    /// is closed with <see cref="SessionEndedStatus"/> and the description <c>The session has ended.</c>, then aborted
    /// if the client does not answer the close within 5 seconds. Call it right after accepting the socket and dispose the
    /// result when the socket is done:
    /// <c>using var watch = await context.CloseWebSocketWithSessionAsync(socket);</c>
    /// </summary>
    /// <param name="context">The request that was upgraded.</param>
    /// <param name="socket">The accepted socket.</param>
    /// <returns>The registration; disposing it stops the watch.</returns>
    /// <exception cref="InvalidOperationException">No session authenticated the request (require authorization on the endpoint).</exception>
    public static async Task<IDisposable> CloseWebSocketWithSessionAsync(this HttpContext context, WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(socket);
        var connections = context.RequestServices.GetRequiredService<SessionLiveConnections>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        return await connections.RegisterAsync(context, () => CloseAsync(socket, time), context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The request was not authenticated by a session: require authorization on the WebSocket endpoint.");
    }

    private static async Task CloseAsync(WebSocket socket, TimeProvider time)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            // The app's receive loop then gets the client's answer and ends as after any close.
            await socket.CloseOutputAsync(SessionEndedStatus, "The session has ended.", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            socket.Abort(); // the client is gone, or the app was sending: end it the hard way
        }
    }
}
