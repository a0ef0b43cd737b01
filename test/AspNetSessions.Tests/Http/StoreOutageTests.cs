using System.Net;
using System.Net.Http.Json;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The store being unreachable never lets a request through, and malformed tokens never reach the store.
/// The outage is injected around the real memory store (the Redis tests stop a real server).
/// </summary>
public sealed class StoreOutageTests : IDisposable
{
    private readonly FaultInjectingStore _store;
    private readonly SampleApp _app;

    public StoreOutageTests()
    {
        var time = new FakeTimeProvider();
        _store = new FaultInjectingStore(new MemorySessionStore(time, LoggerFactory.Create(_ => { }).CreateLogger<MemorySessionStore>()));
        _app = new SampleApp(services: s => s.AddSingleton<ISessionStore>(_store));
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task While_the_store_is_down_requests_get_503_with_retry_after_and_recover_after()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();

        _store.Unavailable = true;
        using (var response = await client.SendAsync(HttpMethod.Get, "/api/me", login.Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var response = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/api/sessions", login.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

        _store.Unavailable = false;
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Fact]
    public async Task Signing_out_during_an_outage_is_503_and_keeps_the_cookie_so_it_can_be_retried()
    {
        using var client = _app.Client(cookies: true);
        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        _store.Unavailable = true;
        using (var signOut = await client.PostAsync("/logout", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signOut.StatusCode);
            Assert.False(signOut.Headers.Contains("Set-Cookie"));
        }

        _store.Unavailable = false;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        using (var signOut = await client.PostAsync("/logout", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_token_do_not_need_the_store()
    {
        using var client = _app.Client();
        _store.Unavailable = true;

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", null));
    }

    [Theory]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_short")]
    [InlineData("key_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task A_malformed_token_is_rejected_without_store_access(string token)
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        var before = _store.Calls;

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token[..^1] + (login.Token[^1] == 'A' ? 'B' : 'A')));

        Assert.Equal(before, _store.Calls);
    }

    [Fact]
    public async Task An_authenticated_request_is_exactly_one_store_call()
    {
        using var client = _app.Client();
        var login = await client.LoginAsync();
        var before = _store.Calls;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        Assert.Equal(before + 10, _store.Calls);
    }
}
