using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using AspNetSessions;

namespace WebApp;

/// <summary>
/// <c>GET /api/live</c>: a WebSocket authenticated by the session (bearer or cookie). The server says hello on connect
/// and echoes what it is sent; when the session is revoked, expires or has its token rotated, on this instance or any
/// other that shares the store's change feed, the socket is closed with 1008 (policy violation).
/// </summary>
public static class LiveEndpoint
{
    public static async Task RunAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var watch = await context.CloseWebSocketWithSessionAsync(socket);
        var hello = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "hello",
            userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier),
            sessionId = context.User.FindFirstValue(SessionClaimTypes.SessionId),
        });

        var buffer = new byte[4096];
        try
        {
            await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted); // the client closed it
                    }

                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away, or the session ended and the socket was aborted or closed while we echoed.
        }
    }
}
