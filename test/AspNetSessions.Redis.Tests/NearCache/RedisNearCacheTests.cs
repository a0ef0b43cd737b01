using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using static AspNetSessions.TestSupport.NearCacheScenario;

namespace AspNetSessions.Redis.Tests.NearCache;

/// <summary>
/// Two app instances, each with its own multiplexer and near-cache, on one real redis-server: every change made
/// through one reaches the other's cache over the change channel (<see cref="NearCacheScenario"/>). Both clocks are
/// fake and never reach MaxStaleness, so only the channel can make the second instance let go of an entry.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNearCacheTests(RedisServerFixture redis) : IAsyncLifetime
{
    private RedisNearCache _a = null!;
    private RedisNearCache _b = null!;

    public static TheoryData<string> AllChanges => [.. Changes, "kind-wide"];

    private Instance A => new(_a.Store, _a.Time, () => _a.Cache.Count);

    private Instance B => new(_b.Store, _b.Time, () => _b.Cache.Count);

    public async Task InitializeAsync()
    {
        _a = await new RedisNearCache(redis.Server.ConfigurationString).ListeningAsync();
        _b = await _a.SecondInstance(redis.Server.ConfigurationString).ListeningAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(AllChanges))]
    public Task A_change_on_one_instance_evicts_the_other_instances_entry(string change) =>
        ChangeOnAEvictsOnBAsync(A, B, change, async record =>
        {
            Assert.Equal("kind-wide", change); // an admin's delete across the kind: one announcement per user index
            Assert.Equal(1, await _a.Store.DeleteManyAsync(new SessionQuery { Kind = record.Session.Kind, Now = _a.Time.GetUtcNow(), Status = SessionStatus.All }, default));
        });

    [Fact]
    public async Task An_expired_session_is_never_served_from_the_cache()
    {
        var record = await CreateAsync(A);
        await FillAsync(B, record);

        _a.Time.Advance(TimeSpan.FromMinutes(31)); // past its expiry: Redis's TTL (relative to the app's clock) or the cache's own check

        Assert.Null(await _b.Store.FindAndSlideAsync(Lookup(B, record), default));
    }

    [Fact]
    public Task A_slide_is_not_announced_and_the_other_instance_keeps_its_entry() =>
        SlideIsNotAnnouncedAsync(A, B, _a.Time.Advance);

    [Fact]
    public Task Killing_the_subscription_flushes_the_cache_a_revocation_meanwhile_is_refused_and_the_cache_refills_when_it_is_back() =>
        CutChannelFlushesAndRefillsAsync(A, B,
            async () => Assert.Matches("^[1-9]", await redis.Server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub")),
            () => _b.Cache.IsListening);
}
