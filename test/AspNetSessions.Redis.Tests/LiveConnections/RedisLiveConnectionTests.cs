using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.NearCache;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.LiveConnections;

/// <summary>
/// Two instances of the sample on Kestrel over one real redis-server: a session revoked through instance A closes its
/// <c>/api/live</c> socket on instance B within a second (by a real clock), over the store's change feed, whether or
/// not the near-cache shares that feed. Both fake clocks stand still, so no interval check can be what closes it.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLiveConnectionTests(RedisServerFixture redis)
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sign_out_on_one_instance_closes_the_socket_on_the_other_within_a_second(bool nearCache)
    {
        var (a, b, second) = Start(nearCache, out var apps);
        using var _ = apps;
        var connections = second.Services.GetRequiredService<SessionLiveConnections>();
        await LiveConnectionScenario.SignOutOnAClosesTheSocketOnBWithinASecondAsync(a, b,
            () => connections.IsListening && (!nearCache || TwoNearCachedHosts.Cache(second).IsListening)); // one feed, two listeners
    }

    [Fact]
    public async Task A_password_change_on_one_instance_closes_the_users_revoked_and_rotated_sockets_on_the_other()
    {
        var (a, b, second) = Start(nearCache: false, out var apps);
        using var _ = apps;
        using var client = new HttpClient { BaseAddress = a };
        var phone = await client.LoginAsync("alice");
        var laptop = await client.LoginAsync("alice");
        using var onPhone = await LiveSocket.ConnectAsync(b, "/api/live", phone.Token);
        using var onLaptop = await LiveSocket.ConnectAsync(b, "/api/live", laptop.Token);
        await Eventually.HoldsAsync(() => second.Services.GetRequiredService<SessionLiveConnections>().IsListening);

        using var change = await client.SendAsync(HttpMethod.Post, "/api/account/password", laptop.Token,
            r => r.Content = JsonContent.Create(new { currentPassword = "alice-password", newPassword = "alice-password-2" }));
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        // The phone's session is revoked; the laptop's is rotated: its old token opened the socket, so that closes too.
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onPhone.ClosedAsync(WithinASecond));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onLaptop.ClosedAsync(WithinASecond));
    }

    /// <summary>Two instances of the sample on one Redis and key prefix, on Kestrel: A's and B's addresses, and B.</summary>
    private (Uri A, Uri B, SampleApp Second) Start(bool nearCache, out Apps apps)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        var first = nearCache ? TwoNearCachedHosts.Create(redis.Server.ConfigurationString, prefix) : RedisSampleApp.Create(redis.Server, prefix);
        var second = nearCache ? TwoNearCachedHosts.Create(redis.Server.ConfigurationString, prefix) : RedisSampleApp.Create(redis.Server, prefix);
        apps = new Apps(first, second);
        return (first.StartOnKestrel(), second.StartOnKestrel(), second);
    }

    private sealed class Apps(SampleApp first, SampleApp second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }
}
