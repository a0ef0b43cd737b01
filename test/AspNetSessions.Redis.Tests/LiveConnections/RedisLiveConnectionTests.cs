using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.NearCache;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.LiveConnections;

/// <summary>
/// Two instances of the sample on Kestrel over one Redis deployment (a node, a Cluster, a Sentinel group; one subclass
/// each): a session ended through instance A closes its raw WebSocket and its SignalR connection on instance B within a
/// second (by a real clock), over the store's change feed, whether or not the near-cache shares that feed
/// (<see cref="LiveConnectionScenario"/>).
/// </summary>
public abstract class RedisLiveConnectionTests
{
    /// <summary>How many demo users the instances know: enough for one on each of a Cluster's 3 shards.</summary>
    protected const int DemoUsers = 32;

    /// <summary>The client configuration of the deployment.</summary>
    protected abstract string Configuration { get; }

    /// <summary>
    /// Demo users (of <see cref="RedisSampleApp.DemoUsersSettings"/>) whose sessions are stored apart: on a Cluster, one
    /// on each shard, so every shard's announcements must reach B.
    /// </summary>
    protected virtual Task<IReadOnlyList<string>> UsersApartAsync() =>
        Task.FromResult<IReadOnlyList<string>>([RedisSampleApp.DemoUser(0), RedisSampleApp.DemoUser(1), RedisSampleApp.DemoUser(2)]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sign_out_on_one_instance_closes_the_connections_on_the_other_within_a_second(bool nearCache)
    {
        var (a, b, second) = Start(nearCache, out var apps);
        using var _ = apps;
        var connections = second.Services.GetRequiredService<SessionLiveConnections>();
        await LiveConnectionScenario.SignOutOnAClosesTheConnectionsOnBWithinASecondAsync(a, b,
            () => connections.IsListening && (!nearCache || TwoNearCachedHosts.Cache(second).IsListening)); // one feed, two listeners
    }

    [Fact]
    public async Task A_password_change_on_one_instance_closes_the_users_revoked_and_rotated_connections_on_the_other()
    {
        var (a, b, second) = Start(nearCache: false, out var apps);
        using var _ = apps;
        await LiveConnectionScenario.PasswordChangeOnAClosesTheUsersRevokedAndRotatedConnectionsOnBAsync(a, b, Listening(second));
    }

    [Fact]
    public async Task Revocations_on_one_instance_close_exactly_the_revoked_sessions_connections_on_the_other_for_users_stored_apart()
    {
        var (a, b, second) = Start(nearCache: false, out var apps);
        using var _ = apps;
        await LiveConnectionScenario.RevocationsOnAReachEachUsersConnectionsOnBAsync(a, b, await UsersApartAsync(), RedisSampleApp.DemoPassword, Listening(second));
    }

    private static Func<bool> Listening(SampleApp app)
    {
        var connections = app.Services.GetRequiredService<SessionLiveConnections>();
        return () => connections.IsListening;
    }

    /// <summary>Two instances of the sample on one deployment and key prefix, on Kestrel: A's and B's addresses, and B.</summary>
    private (Uri A, Uri B, SampleApp Second) Start(bool nearCache, out Apps apps)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        var settings = RedisSampleApp.DemoUsersSettings(DemoUsers);
        foreach (var (key, value) in nearCache ? TwoNearCachedHosts.Settings : new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var first = RedisSampleApp.Create(Configuration, prefix, settings);
        var second = RedisSampleApp.Create(Configuration, prefix, settings);
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
