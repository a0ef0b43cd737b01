using System.Collections.Concurrent;
using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Stores;

/// <summary>The store contract, on the in-memory backend.</summary>
public sealed class MemorySessionStoreContractTests : SessionStoreContract, IDisposable
{
    private readonly MemorySessionStore _store = new(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance);

    protected override ISessionStore Store => _store;

    public void Dispose() => _store.Dispose();
}

/// <summary>What only the in-memory backend does: sweeping expired records on its timer.</summary>
public sealed class MemorySessionStoreTests
{
    [Fact]
    public async Task The_sweeper_removes_expired_sessions_when_its_interval_passes()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();
        await store.CreateAsync(Record("alice", now, now.AddSeconds(30)), 0, now, default);
        await store.CreateAsync(Record("alice", now, now.AddMinutes(10)), 0, now, default);
        Assert.Equal(2, store.Count);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, store.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, store.Count);
        var query = new SessionQuery { Kind = "k", UserId = "alice", Now = time.GetUtcNow(), Status = SessionStatus.All };
        Assert.Single((await store.QueryAsync(query, default)).Items);
        Assert.Single((await store.QueryAsync(query with { UserId = null }, default)).Items);
    }

    [Fact]
    public async Task A_session_slid_past_the_expiry_it_was_filed_at_survives_that_sweep_and_goes_at_its_new_expiry()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();
        var record = Record("alice", now, now.AddSeconds(90));
        await store.CreateAsync(record, 0, now, default);

        time.Advance(TimeSpan.FromSeconds(80));
        var lookup = new SessionLookup("k", record.Session.Id, new byte[32], time.GetUtcNow(), time.GetUtcNow().AddMinutes(10), TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(80).AddMinutes(10), Find(store, lookup)?.Session.ExpiresAt);

        // The sweeps at 2 and 3 minutes visit it where it was filed (90 s) and file it again; it lives until 10 min 80 s.
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, store.Count);
        Assert.NotNull(await store.GetAsync("k", record.Session.Id, time.GetUtcNow(), default));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task An_update_that_brings_the_expiry_forward_is_swept_at_the_new_expiry()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();
        var record = Record("alice", now, now.AddHours(1));
        await store.CreateAsync(record, 0, now, default);
        Assert.NotNull(await store.UpdateAsync("k", record.Session.Id, new SessionPatch { ExpiresAt = now.AddSeconds(30) }, now, default));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, store.Count);
        Assert.Empty((await store.QueryAsync(new SessionQuery { Kind = "k", Now = time.GetUtcNow(), Status = SessionStatus.All }, default)).Items);
    }

    [Fact]
    public async Task A_sweep_removes_what_expired_among_many_sessions_filed_over_a_year_and_keeps_the_rest()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();
        var records = Enumerable.Range(0, 400).Select(i => Record("user" + (i % 7), now, now.AddHours(i * 22))).ToArray();
        foreach (var record in records)
        {
            await store.CreateAsync(record, 0, now, default);
        }

        // A deleted one's filing goes with its slot: the sweep finds no session for it.
        await store.DeleteAsync("k", records[1].Session.Id, default);
        for (var day = 1; day <= 30; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
            var at = time.GetUtcNow();
            var expected = records.Where(r => r.Session.ExpiresAt > at && r != records[1]).Select(r => r.Session.Id).Order().ToList();
            Assert.Equal(expected.Count, store.Count);
            var listed = (await store.QueryAsync(new SessionQuery { Kind = "k", Now = at, Status = SessionStatus.All, Limit = 500 }, default)).Items;
            Assert.Equal(expected, listed.Select(r => r.Session.Id).Order());
        }
    }

    [Fact]
    public async Task An_emptied_user_index_is_removed_and_recreated()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        var now = time.GetUtcNow();
        var first = Record("alice", now, now.AddHours(1));
        await store.CreateAsync(first, 0, now, default);
        await store.DeleteAsync("k", first.Session.Id, default);
        var second = Record("alice", now, now.AddHours(1));
        await store.CreateAsync(second, 0, now, default);

        var listed = await store.QueryAsync(new SessionQuery { Kind = "k", UserId = "alice", Now = now }, default);
        Assert.Equal(second.Session.Id, Assert.Single(listed.Items).Session.Id);
    }

    [Fact]
    public async Task Parallel_creates_and_deletes_for_one_user_keep_the_index_exact()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        var now = time.GetUtcNow();
        var records = Enumerable.Range(0, 2000).Select(_ => Record("alice", now, now.AddHours(1))).ToArray();

        await Parallel.ForEachAsync(records, async (record, ct) =>
        {
            await store.CreateAsync(record, 0, now, ct);
            if (record.Session.Id[^1] % 2 == 0)
            {
                await store.DeleteAsync("k", record.Session.Id, ct);
            }
        });

        var expected = records.Where(r => r.Session.Id[^1] % 2 != 0).Select(r => r.Session.Id).Order();
        foreach (var userId in new[] { "alice", null })
        {
            // The user's index and the kind's listing order alike.
            var listed = new List<string>();
            var query = new SessionQuery { Kind = "k", UserId = userId, Now = now, Limit = 300 };
            do
            {
                var page = await store.QueryAsync(query, default);
                listed.AddRange(page.Items.Select(r => r.Session.Id));
                query = query with { Cursor = page.Next };
            }
            while (query.Cursor is not null);

            Assert.Equal(expected, listed.Order());
        }
    }

    [Fact]
    public async Task A_users_count_and_listing_never_see_a_capped_creation_half_done()
    {
        // A capped creation evicts the oldest session, then adds the new one. A count or listing that read the user's
        // index before an eviction and the sessions after it once counted none (CI, SessionRaceContract over the near-cache).
        const int cap = 3;
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        var now = time.GetUtcNow();
        for (var i = 0; i < cap; i++)
        {
            await store.CreateAsync(Record("alice", now.AddTicks(i), now.AddHours(1)), cap, now, default);
        }

        var creating = 2;
        var seen = new ConcurrentBag<long>();
        var creators = Enumerable.Range(0, creating).Select(c => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 3000; i++)
            {
                _ = store.CreateAsync(Record("alice", now.AddTicks(cap + (2 * i) + c), now.AddHours(1)), cap, now, default).Result;
            }

            Interlocked.Decrement(ref creating);
        }, TaskCreationOptions.LongRunning)).ToArray();
        var query = new SessionQuery { Kind = "k", UserId = "alice", Now = now, Limit = 10 };
        var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
        {
            var reads = 0;
            while (Volatile.Read(ref creating) > 0 || reads == 0)
            {
                seen.Add(r == 0 ? store.CountAsync(query, default).Result : store.QueryAsync(query, default).Result.Items.Count);
                reads++;
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll([.. creators, .. readers]);

        Assert.NotEmpty(seen);
        Assert.All(seen, count => Assert.Equal(cap, count));
        Assert.Equal(cap, await store.CountAsync(query, default));
    }

    [Fact]
    public void A_lookup_that_does_not_slide_allocates_nothing_once_the_session_was_read()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        var now = time.GetUtcNow();
        var record = Record("alice", now, now.AddHours(1));
        Assert.True(store.CreateAsync(record, 0, now, default).IsCompletedSuccessfully);
        // Within the sliding granularity of the last write: a pure read.
        var lookup = new SessionLookup("k", record.Session.Id, new byte[32], now.AddMinutes(1), now.AddHours(2), TimeSpan.FromMinutes(5));
        Assert.Equal(record, Find(store, lookup));

        var before = GC.GetAllocatedBytesForCurrentThread();
        SessionRecord? found = null;
        for (var i = 0; i < 100; i++)
        {
            found = Find(store, lookup);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(record, found);
        // The first lookup built the record from the compact entry and the entry keeps it: the next 100 allocate nothing.
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_lookup_that_slides_allocates_the_new_session_and_record_and_their_entry()
    {
        var time = new FakeTimeProvider();
        using var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        var now = time.GetUtcNow();
        var record = Record("alice", now, now.AddHours(1));
        Assert.True(store.CreateAsync(record, 0, now, default).IsCompletedSuccessfully);
        Assert.NotNull(Find(store, Slide(record, now.AddMinutes(1))));

        var lookup = Slide(record, now.AddMinutes(2));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var slid = Find(store, lookup);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(slid);
        Assert.Equal(now.AddMinutes(2), slid.Session.LastSeenAt);
        Assert.Equal(now.AddMinutes(122), slid.Session.ExpiresAt);
        Assert.True(SessionRecord.DigestsMatch(slid.Digest, new byte[32]));
        if (Environment.Is64BitProcess)
        {
            // The read is the record the previous slide kept (nothing); the slid Session and SessionRecord (192 + 40, sharing
            // the digest array; the record's null previous digest is its last 8 bytes) and their entry (120: what most sessions
            // leave unset, an API key's name and scopes and DBSC's key, challenge and previous digest, is one null reference in
            // it); the dictionary's node is updated in place.
            Assert.Equal(192 + 40 + 120, allocated);
        }

        static SessionLookup Slide(SessionRecord record, DateTimeOffset at) =>
            new("k", record.Session.Id, new byte[32], at, at.AddHours(2), TimeSpan.Zero);
    }

    private static SessionRecord? Find(MemorySessionStore store, SessionLookup lookup)
    {
        var pending = store.FindAndSlideAsync(lookup, default);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The memory store answered asynchronously.");
    }

    private static SessionRecord Record(string userId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        Span<byte> keyMaterial = stackalloc byte[Tokens.SessionTokenCodec.KeyMaterialBytes];
        Tokens.SessionTokenCodec.Generate(userId, keyMaterial);
        return new SessionRecord(
            new Session
            {
                Id = Tokens.SessionTokenCodec.GetSessionId(keyMaterial),
                Kind = "k",
                UserId = userId,
                CreatedAt = now,
                LastSeenAt = now,
                ExpiresAt = expiresAt,
            },
            new byte[32]);
    }
}
