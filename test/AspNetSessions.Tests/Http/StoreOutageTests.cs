using System.Net;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The store being unreachable never lets a request through, and malformed tokens never reach the store.
/// The outage is injected around the real memory store (the Redis tests stop a real server), on a minimal host with two
/// kinds, a form sign-in, an API sign-in that creates a session with the manager, and the caller's session endpoints.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private readonly FaultInjectingStore _store = new(new MemorySessionStore(new FakeTimeProvider(), LoggerFactory.Create(_ => { }).CreateLogger<MemorySessionStore>()));
    private TestHost _app = null!;

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(
        app =>
        {
            app.MapMe(TestEndpoints.BothSchemes);
            app.MapFormSignIn();
            app.MapLogout();
            app.MapPost("/token", async (ISessionManager sessions, CancellationToken cancellationToken) =>
                (await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" }, cancellationToken)).Token);
            app.MapSessionEndpoints("/sessions");
        },
        services: s => s.AddSingleton<ISessionStore>(_store),
        auth: a => a.AddApiKeys());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task While_the_store_is_down_requests_get_503_with_retry_after_and_recover_after()
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync();

        _store.Unavailable = true;
        using (var response = await client.SendAsync(HttpMethod.Get, "/me", login.Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var response = await client.PostAsync("/token", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/sessions", login.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Post, "/logout", login.Token));

        _store.Unavailable = false;
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
    }

    [Fact]
    public async Task Signing_out_during_an_outage_is_503_and_keeps_the_cookie_so_it_can_be_retried()
    {
        using var client = _app.Client(cookies: true);
        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        _store.Unavailable = true;
        using (var signOut = await client.PostAsync("/signout", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signOut.StatusCode);
            Assert.False(signOut.Headers.Contains("Set-Cookie"));
        }

        _store.Unavailable = false;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);
        using (var signOut = await client.PostAsync("/signout", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_token_do_not_need_the_store()
    {
        using var client = _app.Client();
        _store.Unavailable = true;

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", null));
    }

    [Theory]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_short")]
    [InlineData("key_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task A_malformed_token_is_rejected_without_store_access(string token)
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync();
        var before = _store.Calls;

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", login.Token[..^1] + (login.Token[^1] == 'A' ? 'B' : 'A')));

        Assert.Equal(before, _store.Calls);
    }

    [Fact]
    public async Task An_authenticated_request_is_exactly_one_store_call()
    {
        using var client = _app.Client();
        var login = await _app.CreateSessionAsync();
        var before = _store.Calls;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
        }

        Assert.Equal(before + 10, _store.Calls);
    }
}
