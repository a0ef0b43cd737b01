using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;

namespace AspNetSessions.TestSupport;

/// <summary>
/// Two instances of the sample on Kestrel over one real store with a change feed: the checks every transport must pass,
/// written once. Each session has both kinds of live connection on B: the raw WebSocket <c>GET /api/live</c> and a
/// SignalR connection to <c>/hubs/live</c>. "Within a second" is by a real clock, from the answer of the request on A
/// that ended the session; the instances' fake clocks stand still, so no interval check can be what closes them.
/// </summary>
public static class LiveConnectionScenario
{
    public const string SocketPath = "/api/live";
    public const string HubPath = "/hubs/live";

    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    /// <summary>
    /// 5 times: sign in on A, open both connections on B, wait until <paramref name="listening"/> (B hears the feed), sign
    /// out on A; both are closed within a second (the socket with 1008), and the token cannot open another.
    /// </summary>
    public static async Task SignOutOnAClosesTheConnectionsOnBWithinASecondAsync(Uri a, Uri b, Func<bool> listening)
    {
        using var client = new HttpClient { BaseAddress = a };
        for (var trial = 0; trial < 5; trial++)
        {
            var login = await client.LoginAsync("alice");
            await using var live = await Live.OpenAsync(b, login.Token);
            await Eventually.HoldsAsync(listening);

            Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

            await live.ClosedAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(b, SocketPath, login.Token));
        }
    }

    /// <summary>
    /// alice on a phone and a laptop, both connected to B; the laptop changes the password on A: the phone's session is
    /// revoked and the laptop's rotated (the old token opened its connections), so all four close within a second.
    /// </summary>
    public static async Task PasswordChangeOnAClosesTheUsersRevokedAndRotatedConnectionsOnBAsync(Uri a, Uri b, Func<bool> listening)
    {
        using var client = new HttpClient { BaseAddress = a };
        var phone = await client.LoginAsync("alice");
        var laptop = await client.LoginAsync("alice");
        await using var onPhone = await Live.OpenAsync(b, phone.Token);
        await using var onLaptop = await Live.OpenAsync(b, laptop.Token);
        await Eventually.HoldsAsync(listening);

        using var change = await client.SendAsync(HttpMethod.Post, "/api/account/password", laptop.Token,
            r => r.Content = JsonContent.Create(new { currentPassword = "alice-password", newPassword = "alice-password-2" }));
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        await Task.WhenAll(onPhone.ClosedAsync(), onLaptop.ClosedAsync());
    }

    /// <summary>
    /// Each of <paramref name="users"/> (password <paramref name="password"/>; on a sharded store, one per shard) signs in
    /// twice on A and connects both sessions to B. User by user: the first session revokes the user's others on A
    /// (<c>DELETE /api/sessions</c>), then alice, an admin, revokes all of the user's sessions on A; each time exactly
    /// the revoked session's connections on B close within a second, and everyone else's stay open.
    /// </summary>
    public static async Task RevocationsOnAReachEachUsersConnectionsOnBAsync(Uri a, Uri b, IReadOnlyList<string> users, string password, Func<bool> listening)
    {
        using var client = new HttpClient { BaseAddress = a };
        var admin = await client.LoginAsync("alice");
        var all = new List<Live>();
        var sessions = new List<(string User, SampleApi.Login Kept, Live OnKept, Live OnOther)>();
        try
        {
            foreach (var user in users)
            {
                var kept = await client.LoginAsync(user, password);
                var other = await client.LoginAsync(user, password);
                all.Add(await Live.OpenAsync(b, kept.Token));
                all.Add(await Live.OpenAsync(b, other.Token));
                sessions.Add((user, kept, all[^2], all[^1]));
            }

            await Eventually.HoldsAsync(listening);
            var open = new List<Live>(all);
            foreach (var (user, kept, onKept, onOther) in sessions)
            {
                Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, "/api/sessions", kept.Token));
                await onOther.ClosedAsync();
                open.Remove(onOther);
                await AllOpenAsync(open);

                Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Delete, $"/api/admin/users/{user}/sessions", admin.Token));
                await onKept.ClosedAsync();
                open.Remove(onKept);
                await AllOpenAsync(open);
            }
        }
        finally
        {
            foreach (var live in all)
            {
                await live.DisposeAsync();
            }
        }
    }

    private static async Task AllOpenAsync(IEnumerable<Live> connections)
    {
        foreach (var live in connections)
        {
            await live.OpenNowAsync();
        }
    }

    /// <summary>One session's two live connections to an instance: the raw WebSocket and the SignalR connection.</summary>
    private sealed class Live(LiveSocket socket, LiveHubClient hub, string userId) : IAsyncDisposable
    {
        public static async Task<Live> OpenAsync(Uri instance, string token)
        {
            var socket = await LiveSocket.ConnectAsync(instance, SocketPath, token);
            try
            {
                var hub = await LiveHubClient.ConnectAsync(instance, HubPath, token);
                return new Live(socket, hub, socket.Hello.GetProperty("userId").GetString()!);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Both are closed within a second from now (both waits start together), the socket with 1008.</summary>
        public async Task ClosedAsync()
        {
            var socketClosed = socket.ClosedAsync(WithinASecond);
            await hub.ClosedAsync(WithinASecond);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socketClosed);
        }

        /// <summary>Both answer now, as their user.</summary>
        public async Task OpenNowAsync()
        {
            Assert.Equal("still open", await socket.EchoAsync("still open"));
            Assert.Equal(userId, await hub.WhoAmIAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await hub.DisposeAsync();
            socket.Dispose();
        }
    }
}
