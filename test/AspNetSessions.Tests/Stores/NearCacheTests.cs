using System.Security.Cryptography;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Stores;

/// <summary>The shipped suites through the near-cache: it must behave exactly like the store behind it.</summary>
public sealed class NearCacheStoreContractTests : SessionStoreContract, IDisposable
{
    private readonly NearCache _cache = new();

    protected override ISessionStore Store => _cache.Store;

    public void Dispose() => _cache.Dispose();
}

public sealed class NearCacheRaceTests : SessionRaceContract, IDisposable
{
    private readonly NearCache _cache = new();

    protected override ISessionStore Store => _cache.Store;

    public void Dispose() => _cache.Dispose();
}

public sealed class NearCacheExpiryTests : SessionExpiryContract, IDisposable
{
    private readonly NearCache _cache = new();

    protected override ISessionStore Store => _cache.Store;

    public void Dispose() => _cache.Dispose();
}

/// <summary>What the near-cache answers from memory, and every way it is made to ask the store instead.</summary>
public sealed class NearCacheTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly NearCache _a = new();
    private readonly NearCache _b;

    public NearCacheTests() => _b = _a.SecondInstance();

    public void Dispose()
    {
        _b.Dispose();
        _a.Dispose();
    }

    [Fact]
    public async Task A_valid_session_with_no_write_due_is_answered_without_the_store()
    {
        var (record, _) = await _a.CreateAsync();

        Assert.NotNull(await _a.Store.FindAndSlideAsync(_a.Lookup(record), default)); // fills
        var lookups = _a.Shared.Lookups;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(record.Session.Id, (await _a.Store.FindAndSlideAsync(_a.Lookup(record), default))?.Session.Id);
        }

        Assert.Equal(lookups, _a.Shared.Lookups);
    }

    [Fact]
    public async Task A_revocation_on_one_instance_is_refused_by_the_other_on_its_next_lookup()
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // B caches it

        Assert.True(await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default));

        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
    }

    [Fact]
    public async Task An_eviction_by_MaxSessionsPerUser_on_one_instance_is_refused_by_the_other_and_the_evicting_one()
    {
        var (old, _) = await _a.CreateAsync();
        Assert.NotNull(await _a.Store.FindAndSlideAsync(_a.Lookup(old), default)); // both instances cache it
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(old), default));
        _a.Time.Advance(TimeSpan.FromSeconds(1));
        var now = _a.Time.GetUtcNow();
        var newer = new SessionRecord(old.Session with { Id = SessionIds.New("alice"), CreatedAt = now, LastSeenAt = now }, RandomNumberGenerator.GetBytes(32));

        Assert.Equal([old.Session.Id], await _a.Store.CreateAsync(newer, 1, now, default));

        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(old), default));
        Assert.Null(await _a.Store.FindAndSlideAsync(_a.Lookup(old), default));
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(newer), default));
    }

    [Theory]
    [InlineData("revoke-all")]
    [InlineData("rotate")]
    [InlineData("update")]
    [InlineData("prune")]
    public async Task A_cached_session_is_never_served_stale_after_a_change_elsewhere(string change)
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
        var session = record.Session;
        var now = _a.Time.GetUtcNow();

        switch (change)
        {
            case "revoke-all":
                await _a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, UserId = session.UserId, Status = SessionStatus.All }, default);
                Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
                break;
            case "rotate":
                await _a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Digest = RandomNumberGenerator.GetBytes(32) }, now, default);
                Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // the old secret is dead at once
                break;
            case "update":
                await _a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Claims = [new SessionClaim("role", "suspended")] }, now, default);
                var updated = await _b.Store.FindAndSlideAsync(_b.Lookup(record), default);
                Assert.Equal("suspended", Assert.Single(updated!.Session.Claims).Value);
                break;
            case "prune":
                await _a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now.AddDays(1), Status = SessionStatus.Expired }, default);
                Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
                break;
        }
    }

    [Fact]
    public async Task When_the_channel_is_lost_the_cache_is_flushed_and_bypassed_until_it_is_back()
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));

        _a.Shared.LoseChannel();
        Assert.Equal(0, _b.Cache.Count);
        await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default); // announced to nobody
        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));

        var (other, _) = await _a.CreateAsync();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(other), default));
        Assert.Equal(0, _b.Cache.Count); // bypassed: nothing is cached while deaf

        _a.Shared.RestoreChannel();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(other), default));
        Assert.Equal(1, _b.Cache.Count); // refills once the channel is back
    }

    [Fact]
    public async Task Without_any_invalidation_an_entry_is_trusted_at_most_max_staleness()
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
        _a.Shared.Silent = true; // the channel fails without anybody noticing
        await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default);

        _a.Time.Advance(NearCache.MaxStaleness - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // within the documented bound
        _a.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // never beyond it
    }

    [Fact]
    public async Task An_invalidation_racing_a_fill_cannot_leave_a_revoked_session_cached()
    {
        var (record, _) = await _a.CreateAsync();
        _a.Shared.DuringLookup = async () =>
        {
            _a.Shared.DuringLookup = null;
            await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default); // revoked while B's lookup is in flight
        };

        Assert.NotNull(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // the store answered before the revocation

        Assert.Equal(0, _b.Cache.Count);
        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default));
    }

    [Fact]
    public async Task A_due_slide_goes_to_the_store_and_is_written_as_without_the_cache()
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _a.Store.FindAndSlideAsync(_a.Lookup(record), default));
        var lookups = _a.Shared.Lookups;

        _a.Time.Advance(Minute); // the granularity has passed: a write is due
        var slid = await _a.Store.FindAndSlideAsync(_a.Lookup(record), default);

        Assert.Equal(lookups + 1, _a.Shared.Lookups);
        Assert.Equal(_a.Time.GetUtcNow(), slid!.Session.LastSeenAt);
        Assert.Equal(_a.Time.GetUtcNow() + TimeSpan.FromMinutes(30), (await _a.Shared.GetAsync(record.Session.Kind, record.Session.Id, _a.Time.GetUtcNow(), default))!.Session.ExpiresAt);
    }

    [Fact]
    public async Task Concurrent_misses_for_one_session_share_one_store_call()
    {
        var (record, _) = await _a.CreateAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.Shared.DuringLookup = () => release.Task; // the first store call stays in flight until released
        var lookups = _a.Shared.Lookups;

        var found = Enumerable.Range(0, 8).Select(_ => _a.Store.FindAndSlideAsync(_a.Lookup(record), default).AsTask()).ToArray();
        release.SetResult();

        Assert.All(await Task.WhenAll(found), r => Assert.Equal(record.Session.Id, r?.Session.Id));
        Assert.Equal(lookups + 1, _a.Shared.Lookups);
    }

    [Fact]
    public async Task A_concurrent_miss_with_another_secret_or_after_a_revocation_asks_the_store_itself()
    {
        var (record, _) = await _a.CreateAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void HoldNextLookup() => _a.Shared.DuringLookup = () =>
        {
            _a.Shared.DuringLookup = null;
            return release.Task;
        };

        HoldNextLookup();
        var wrong = _a.Store.FindAndSlideAsync(_a.Lookup(record) with { Digest = RandomNumberGenerator.GetBytes(32) }, default).AsTask(); // in flight
        Assert.NotNull(await _a.Store.FindAndSlideAsync(_a.Lookup(record), default)); // not the wrong guess's answer
        HoldNextLookup();
        var before = _b.Store.FindAndSlideAsync(_b.Lookup(record), default).AsTask(); // in flight, read before the revocation
        await _b.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default);
        Assert.Null(await _b.Store.FindAndSlideAsync(_b.Lookup(record), default)); // began after it: never the older answer
        release.SetResult();

        Assert.Null(await wrong);
        Assert.NotNull(await before);
    }

    [Fact]
    public async Task A_wrong_secret_is_never_answered_from_the_cache_and_evicts_nothing()
    {
        var (record, _) = await _a.CreateAsync();
        Assert.NotNull(await _a.Store.FindAndSlideAsync(_a.Lookup(record), default));
        var lookups = _a.Shared.Lookups;

        Assert.Null(await _a.Store.FindAndSlideAsync(_a.Lookup(record) with { Digest = RandomNumberGenerator.GetBytes(32) }, default));

        Assert.Equal(lookups + 1, _a.Shared.Lookups);
        Assert.Equal(1, _a.Cache.Count);
    }

    [Fact]
    public void The_near_cache_over_a_store_that_cannot_announce_changes_is_refused_at_startup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SessionAuth:NearCache:Enabled"] = "true" }).Build();
        services.AddSessionAuth(configuration.GetSection("SessionAuth"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value);
        Assert.Contains("SessionAuth:NearCache:Enabled is true, but the Memory session store does not announce changes", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>One app instance's near-cache over a shared announcing memory store, on a fake clock.</summary>
internal sealed class NearCache : IDisposable
{
    public static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    // Disposed with the instance: a meter left alive would be seen by every listener in the process (OpenTelemetryTests).
    private readonly TestMeterFactory _meters = new();

    public NearCache()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)), shared: null)
    {
    }

    private NearCache(FakeTimeProvider time, AnnouncingStore? shared)
    {
        Time = time;
        Shared = shared ?? new AnnouncingStore(new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance));
        Cache = new NearCacheSessionStore(Shared, Shared, new SessionNearCacheOptions { Enabled = true, MaxStaleness = MaxStaleness }, time, new NearCacheMetrics(_meters));
    }

    public FakeTimeProvider Time { get; }

    public AnnouncingStore Shared { get; }

    public NearCacheSessionStore Cache { get; }

    public ISessionStore Store => Cache;

    /// <summary>Another app instance over the same store and clock.</summary>
    public NearCache SecondInstance() => new(Time, Shared);

    public async Task<(SessionRecord Record, byte[] Digest)> CreateAsync()
    {
        var now = Time.GetUtcNow();
        var digest = RandomNumberGenerator.GetBytes(32);
        var record = new SessionRecord(new Session
        {
            Id = SessionIds.New("alice"),
            Kind = "k",
            UserId = "alice",
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddMinutes(30),
        }, digest);
        await Store.CreateAsync(record, 0, now, default);
        return (record, digest);
    }

    public SessionLookup Lookup(SessionRecord record)
    {
        var now = Time.GetUtcNow();
        return new SessionLookup(record.Session.Kind, record.Session.Id, record.Digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(1));
    }

    public void Dispose()
    {
        Cache.Dispose();
        _meters.Dispose();
    }
}
