using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.TestSupport;

/// <summary>
/// A real WebSocket client (<see cref="ClientWebSocket"/>) of an endpoint that says hello and echoes, such as the sample's
/// <c>GET /api/live</c>: every wait is bounded by a real clock (the server's own clock may be fake).
/// </summary>
public sealed class LiveSocket : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[4096];

    private LiveSocket(ClientWebSocket socket, JsonElement hello)
    {
        _socket = socket;
        Hello = hello;
    }

    /// <summary>The message the server sent on connect.</summary>
    public JsonElement Hello { get; }

    /// <summary>Connects to <paramref name="path"/> of <paramref name="baseAddress"/> with a bearer token (or the session cookie) and reads the hello.</summary>
    public static async Task<LiveSocket> ConnectAsync(Uri baseAddress, string path, string? token = null, string? cookie = null)
    {
        var socket = await OpenAsync(baseAddress, path, token, cookie);
        var hello = await ReceiveTextAsync(socket, new byte[4096]);
        return new LiveSocket(socket, JsonDocument.Parse(hello!).RootElement.Clone());
    }

    /// <summary>The HTTP status the server answers a connection attempt with when it refuses the upgrade.</summary>
    public static async Task<HttpStatusCode> RefusalAsync(Uri baseAddress, string path, string? token)
    {
        using var socket = Client(token, cookie: null);
        using var timeout = new CancellationTokenSource(Wait);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Address(baseAddress, path), timeout.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>Sends <paramref name="text"/> and returns what comes back: proves the socket is open now.</summary>
    public async Task<string?> EchoAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Wait);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        return await ReceiveTextAsync(_socket, _buffer);
    }

    /// <summary>Waits (at most <paramref name="within"/> by a real clock; 10 s by default) for the server to close the socket; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Wait);
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(_buffer, timeout.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return received.CloseStatus;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server did not close the socket within {within ?? Wait}");
            throw;
        }
    }

    public void Dispose() => _socket.Dispose();

    private static async Task<ClientWebSocket> OpenAsync(Uri baseAddress, string path, string? token, string? cookie)
    {
        var socket = Client(token, cookie);
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            await socket.ConnectAsync(Address(baseAddress, path), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private static ClientWebSocket Client(string? token, string? cookie)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        if (cookie is not null)
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
        }

        return socket;
    }

    private static Uri Address(Uri baseAddress, string path) =>
        new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;

    private static async Task<string?> ReceiveTextAsync(ClientWebSocket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        return received.MessageType == WebSocketMessageType.Text ? Encoding.UTF8.GetString(buffer, 0, received.Count) : null;
    }
}
