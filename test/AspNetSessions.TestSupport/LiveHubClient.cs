using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace AspNetSessions.TestSupport;

/// <summary>
/// A real SignalR client (<see cref="HubConnection"/> over WebSockets, the session token as its bearer token) of a hub
/// with a <c>WhoAmI</c> method, such as the sample's <c>/hubs/live</c>: every wait is bounded by a real clock.
/// </summary>
public sealed class LiveHubClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveHubClient(HubConnection connection)
    {
        Connection = connection;
        connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Connects to the hub at <paramref name="path"/> of <paramref name="baseAddress"/> with <paramref name="token"/>.</summary>
    public static async Task<LiveHubClient> ConnectAsync(Uri baseAddress, string path, string token)
    {
        var client = new LiveHubClient(new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, path), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build());
        try
        {
            using var timeout = new CancellationTokenSource(Wait);
            await client.Connection.StartAsync(timeout.Token);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>The hub's <c>WhoAmI</c>: proves the connection is open now.</summary>
    public async Task<string?> WhoAmIAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await Connection.InvokeAsync<string?>("WhoAmI", timeout.Token);
    }

    /// <summary>Waits (at most <paramref name="within"/> by a real clock) for the server to close the connection.</summary>
    public async Task ClosedAsync(TimeSpan within)
    {
        try
        {
            await _closed.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the server did not close the hub connection within {within}");
        }

        Assert.Equal(HubConnectionState.Disconnected, Connection.State);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
