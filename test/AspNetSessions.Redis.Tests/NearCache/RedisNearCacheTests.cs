using System.Diagnostics;
using System.Security.Cryptography;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.NearCache;

/// <summary>
/// Two app instances, each with its own multiplexer and near-cache, on one real redis-server: every change made
/// through one reaches the other's cache over the change channel. Both clocks are fake and never reach
/// <see cref="RedisNearCache.MaxStaleness"/>, so only the channel can make the second instance let go of an entry.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNearCacheTests(RedisServerFixture redis) : IAsyncLifetime
{
    private RedisNearCache _a = null!;
    private RedisNearCache _b = null!;

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
    [InlineData("revoke")]
    [InlineData("revoke-all")]
    [InlineData("delete-by-filter")]
    [InlineData("kind-wide")]
    [InlineData("rotate")]
    [InlineData("update")]
    [InlineData("replace")]
    [InlineData("evict")]
    public async Task A_change_on_one_instance_evicts_the_other_instances_entry(string change)
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);
        var session = record.Session;
        var now = _a.Time.GetUtcNow();
        var newDigest = RandomNumberGenerator.GetBytes(32);

        switch (change)
        {
            case "revoke":
                Assert.True(await _a.Store.DeleteAsync(session.Kind, session.Id, default));
                break;
            case "revoke-all":
                Assert.Equal(1, await _a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, UserId = session.UserId }, default));
                break;
            case "delete-by-filter":
                Assert.Equal(1, await _a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, UserId = session.UserId, Metadata = new Dictionary<string, string> { ["device"] = "phone" } }, default));
                break;
            case "kind-wide":
                Assert.Equal(1, await _a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, Status = SessionStatus.All }, default));
                break;
            case "rotate":
                Assert.NotNull(await _a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Digest = newDigest }, now, default));
                break;
            case "update":
                Assert.NotNull(await _a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Claims = [new SessionClaim("role", "suspended")] }, now, default));
                break;
            case "replace":
                await _a.Store.SetAsync(record with { Session = session with { Claims = [new SessionClaim("role", "suspended")] } }, now, default);
                break;
            case "evict":
                // MaxSessionsPerUser = 1: signing in again evicts the cached session in the same atomic step.
                Assert.Equal([session.Id], await _a.Store.CreateAsync(NewRecord(_a), 1, now, default));
                break;
        }

        await EvictedWithinMaxStalenessAsync(_b);
        var after = await _b.Store.FindAndSlideAsync(Lookup(_b, record), default);
        switch (change)
        {
            case "update" or "replace":
                Assert.Equal("suspended", Assert.Single(after!.Session.Claims).Value);
                break;
            case "rotate":
                Assert.Null(after); // the old secret is dead
                Assert.NotNull(await _b.Store.FindAndSlideAsync(Lookup(_b, record, newDigest), default));
                break;
            default:
                Assert.Null(after);
                break;
        }
    }

    [Fact]
    public async Task An_expired_session_is_never_served_from_the_cache()
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);

        _a.Time.Advance(TimeSpan.FromMinutes(31)); // past its expiry: Redis's TTL (relative to the app's clock) or the cache's own check

        Assert.Null(await _b.Store.FindAndSlideAsync(Lookup(_b, record), default));
    }

    [Fact]
    public async Task A_slide_is_not_announced_and_the_other_instance_keeps_its_entry()
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);
        var revoked = await CreateAsync(_a);
        await FillAsync(_b, revoked);

        _a.Time.Advance(TimeSpan.FromMinutes(2)); // a slide is due on A
        Assert.NotNull(await _a.Store.FindAndSlideAsync(Lookup(_a, record), default));
        Assert.True(await _a.Store.DeleteAsync(revoked.Session.Kind, revoked.Session.Id, default));

        // Once the delete (sent after the slide) has arrived, a slide announcement would have arrived before it.
        await Eventually.HoldsAsync(() => _b.Cache.Count <= 1);
        Assert.Equal(1, _b.Cache.Count);
    }

    [Fact]
    public async Task Killing_the_subscription_flushes_the_cache_a_revocation_meanwhile_is_refused_and_the_cache_refills_when_it_is_back()
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);

        Assert.Matches("^[1-9]", await redis.Server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub"));
        await Eventually.HoldsAsync(() => _b.Cache.Count == 0); // flushed by the loss itself: nothing was looked up
        Assert.True(await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default));
        Assert.Null(await _b.Store.FindAndSlideAsync(Lookup(_b, record), default));

        var other = await CreateAsync(_a);
        await Eventually.HoldsAsync(() => _b.Cache.IsListening);
        await FillAsync(_b, other);
        Assert.Equal(1, _b.Cache.Count);
    }

    /// <summary>Waits, at most MaxStaleness by a real clock, for the channel to empty the cache; fails otherwise.</summary>
    internal static async Task EvictedWithinMaxStalenessAsync(RedisNearCache instance)
    {
        var clock = Stopwatch.StartNew();
        while (instance.Cache.Count != 0)
        {
            Assert.True(clock.Elapsed < RedisNearCache.MaxStaleness, "the invalidation did not arrive within MaxStaleness");
            await Task.Delay(5); // a message from a real redis-server is awaited; bounded above
        }
    }

    private static async Task<SessionRecord> CreateAsync(RedisNearCache instance)
    {
        var record = NewRecord(instance);
        await instance.Store.SetAsync(record, instance.Time.GetUtcNow(), default);
        return record;
    }

    private static SessionRecord NewRecord(RedisNearCache instance)
    {
        var now = instance.Time.GetUtcNow();
        return new SessionRecord(new Session
        {
            Id = SessionIds.New("alice"),
            Kind = "Session",
            UserId = "alice",
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddMinutes(30),
            Metadata = new Dictionary<string, string> { ["device"] = "phone" },
        }, RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Looks the session up until the instance holds it (the first lookup fills, the rest are hits).</summary>
    private static async Task FillAsync(RedisNearCache instance, SessionRecord record)
    {
        var before = instance.Cache.Count;
        Assert.NotNull(await instance.Store.FindAndSlideAsync(Lookup(instance, record), default));
        Assert.Equal(before + 1, instance.Cache.Count);
    }

    private static SessionLookup Lookup(RedisNearCache instance, SessionRecord record, byte[]? digest = null)
    {
        var now = instance.Time.GetUtcNow();
        return new SessionLookup(record.Session.Kind, record.Session.Id, digest ?? record.Digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(1));
    }
}
