using System.Net;
using System.Net.WebSockets;

namespace AspNetSessions.TestSupport;

/// <summary>Two instances of the sample on Kestrel over one real store with a change feed: the check every transport must pass, written once.</summary>
public static class LiveConnectionScenario
{
    /// <summary>
    /// 5 times: sign in on A, open <c>/api/live</c> on B, wait until <paramref name="listening"/> (B hears the feed), sign
    /// out on A; B's socket is closed with 1008 within a second by a real clock, and the token cannot open another.
    /// </summary>
    public static async Task SignOutOnAClosesTheSocketOnBWithinASecondAsync(Uri a, Uri b, Func<bool> listening)
    {
        using var client = new HttpClient { BaseAddress = a };
        for (var trial = 0; trial < 5; trial++)
        {
            var login = await client.LoginAsync("alice");
            using var socket = await LiveSocket.ConnectAsync(b, "/api/live", login.Token);
            await Eventually.HoldsAsync(listening);

            Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(TimeSpan.FromSeconds(1)));
            Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(b, "/api/live", login.Token));
        }
    }
}
