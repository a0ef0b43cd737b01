using System.Net;
using System.Net.WebSockets;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebApp;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Real WebSocket and SignalR clients over Kestrel on loopback, against a minimal host on the memory store (no change
/// feed) and a fake clock: a session that ends closes its connections, at once when this instance ended it, at the
/// next <c>LiveConnectionCheckInterval</c> when it ended unannounced (another instance without a feed).
/// </summary>
public sealed class LiveConnectionTests : IAsyncLifetime
{
    /// <summary>What "at once" means here, by a real clock: the bound the issue sets across instances.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long, by a real clock, a close may take once the fake clock has reached the check that finds the session
    /// ended. When it comes is the fake clock's to say (the interval); this bound only keeps a test from hanging, and is
    /// wider than <see cref="AtOnce"/>: one such close took over 1 s while another test project ran beside this one.
    /// </summary>
    private static readonly TimeSpan ByTheCheck = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30); // the default

    private TestHost _app = null!;

    private ISessionStore Store => _app.Services.GetRequiredService<ISessionStore>();

    private SessionLiveConnections Connections => _app.Services.GetRequiredService<SessionLiveConnections>();

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(
        app =>
        {
            app.Map("/live", LiveEndpoint.RunAsync).RequireAuthorization();
            app.MapHub<LiveHub>("/hub").RequireAuthorization();
            app.MapLogout();
        },
        services: s => s.AddSignalR().CloseOnSessionEnd(),
        kestrel: true);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Revoking_the_session_closes_its_socket_with_1008_at_once()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);
        Assert.Equal("alice", socket.Hello.GetProperty("userId").GetString());
        Assert.Equal("ping", await socket.EchoAsync("ping"));

        Assert.True(await _app.Sessions.RevokeAsync(alice.Session.Id));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
        await Eventually.HoldsAsync(() => Connections.Count == 0);
    }

    [Fact]
    public async Task Signing_out_closes_the_socket_with_1008_at_once_and_the_token_cannot_open_another()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);
        using var client = _app.Client();

        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/logout", alice.Token));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
        Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(_app.BaseAddress, "/live", alice.Token));
    }

    [Fact]
    public async Task A_socket_the_session_cookie_opened_closes_when_its_session_is_revoked()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", cookie: "__Host-session=" + alice.Token);
        Assert.Equal(alice.Session.Id, socket.Hello.GetProperty("sessionId").GetString());

        Assert.True(await _app.Sessions.RevokeAsync(alice.Session.Id));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
    }

    [Fact]
    public async Task Rotating_the_token_closes_the_socket_the_old_token_opened()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);

        var rotated = await _app.Sessions.RotateAsync(alice.Session.Id);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
        using var reopened = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", rotated!.Token);
        Assert.Equal("still here", await reopened.EchoAsync("still here"));
    }

    [Fact]
    public async Task Revoking_all_of_a_users_sessions_closes_each_of_their_sockets_and_no_one_elses()
    {
        var phone = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var laptop = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var bob = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "bob" });
        using var onPhone = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", phone.Token);
        using var onLaptop = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", laptop.Token);
        using var bobs = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", bob.Token);

        Assert.Equal(2, await _app.Sessions.RevokeAllAsync("alice"));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onPhone.ClosedAsync(AtOnce));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onLaptop.ClosedAsync(AtOnce));
        Assert.Equal("hi", await bobs.EchoAsync("hi"));
    }

    [Fact]
    public async Task Without_a_change_feed_a_revocation_made_elsewhere_closes_the_socket_at_the_next_interval()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);

        // Straight in the store, as another app instance would: nothing tells this one.
        Assert.True(await Store.DeleteAsync(alice.Session.Kind, alice.Session.Id, default));
        _app.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal("still open", await socket.EchoAsync("still open"));

        _app.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(AtOnce));
    }

    [Fact]
    public async Task A_session_that_expires_closes_its_socket_and_one_that_slides_keeps_it()
    {
        var idle = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var busy = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "bob" });
        using var idleSocket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", idle.Token);
        using var busySocket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", busy.Token);

        for (var minute = 0; minute < 30; minute++)
        {
            _app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.NotNull(await _app.Sessions.AuthenticateAsync(busy.Token)); // bob keeps using his session: it slides
        }

        // Just past 30 minutes idle, and no further: the server waits for the client's close answer 5 s on the app's
        // clock, so advancing it a minute more could abort the socket before the client has read the close frame.
        _app.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await idleSocket.ClosedAsync(ByTheCheck)); // 30 minutes idle
        Assert.Equal("busy", await busySocket.EchoAsync("busy"));
    }

    [Fact]
    public async Task A_device_bound_sessions_socket_closes_when_its_credential_expires_though_the_session_lives_on()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var now = _app.Time.GetUtcNow();
        var key = new SessionDeviceKey { Jwk = "{}", Algorithm = "ES256", Thumbprint = "t", BoundAt = now, CredentialExpiresAt = now.AddMinutes(5) };
        Assert.NotNull(await Store.UpdateAsync(alice.Session.Kind, alice.Session.Id, new SessionPatch { DeviceKey = key }, now, default));
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);

        _app.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("still open", await socket.EchoAsync("still open"));
        _app.Time.Advance(Interval); // the credential has expired; the session (30 minutes idle) has not

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(ByTheCheck));
        Assert.NotNull(await _app.Sessions.FindByIdAsync(alice.Session.Id));
    }

    [Fact]
    public async Task A_socket_the_previous_token_opened_stays_open_through_a_dbsc_grace_period_and_closes_after_its_end()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        using var socket = await LiveSocket.ConnectAsync(_app.BaseAddress, "/live", alice.Token);
        var now = _app.Time.GetUtcNow();
        var graceRotation = new SessionPatch { Digest = new byte[32], PreviousDigestAcceptedUntil = now.AddSeconds(45) };
        Assert.NotNull(await Store.UpdateAsync(alice.Session.Kind, alice.Session.Id, graceRotation, now, default));

        _app.Time.Advance(Interval); // a check within the grace period: its end is now when the connection is due again
        Assert.Equal("in grace", await socket.EchoAsync("in grace"));
        _app.Time.Advance(Interval);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(ByTheCheck));
        Assert.NotNull(await _app.Sessions.FindByIdAsync(alice.Session.Id));
    }

    [Fact]
    public async Task A_revoked_token_cannot_open_a_socket()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await _app.Sessions.RevokeAsync(alice.Session.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(_app.BaseAddress, "/live", alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await LiveSocket.RefusalAsync(_app.BaseAddress, "/live", token: null));
    }

    [Fact]
    public async Task A_signalr_connection_is_aborted_when_its_session_is_revoked_and_another_users_stays()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var bob = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "bob" });
        await using var alices = await ConnectHubAsync(alice.Token);
        await using var bobs = await ConnectHubAsync(bob.Token);
        Assert.Equal("alice", await alices.WhoAmIAsync());

        Assert.True(await _app.Sessions.RevokeAsync(alice.Session.Id));

        await alices.ClosedAsync(AtOnce);
        Assert.Equal("bob", await bobs.WhoAmIAsync());
    }

    [Fact]
    public async Task A_signalr_connection_is_aborted_at_the_next_interval_when_its_session_ended_unannounced()
    {
        var alice = await _app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await using var connection = await ConnectHubAsync(alice.Token);

        Assert.Equal("alice", await connection.WhoAmIAsync());
        Assert.True(await Store.DeleteAsync(alice.Session.Kind, alice.Session.Id, default));
        Assert.Equal(1, Connections.Count);
        Assert.Equal("alice", await connection.WhoAmIAsync());
        _app.Time.Advance(Interval);

        await connection.ClosedAsync(ByTheCheck);
    }

    private Task<LiveHubClient> ConnectHubAsync(string token) => LiveHubClient.ConnectAsync(_app.BaseAddress, "/hub", token);
}
