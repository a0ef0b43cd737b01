using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using AspNetSessions.Stores;

namespace AspNetSessions.TestSupport;

/// <summary>
/// Two app instances with the near-cache over one real store (Redis, the Cluster, PostgreSQL): the checks every
/// store's change channel must pass, written once. An instance is its store (the near-cache in front of the real one),
/// its fake clock and how many entries its cache holds.
/// </summary>
public static class NearCacheScenario
{
    /// <summary>The MaxStaleness the scenarios configure: the bound every wait here is held to, by a real clock.</summary>
    public static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    /// <summary>The changes every store announces (a store adds its own, such as the pruner's statement).</summary>
    public static readonly string[] Changes = ["revoke", "revoke-all", "delete-by-filter", "rotate", "update", "evict"];

    public sealed record Instance(ISessionStore Store, TimeProvider Time, Func<int> Count);

    /// <summary>A session of alice on a phone, valid for 30 minutes, not yet stored.</summary>
    public static SessionRecord NewRecord(TimeProvider time)
    {
        var now = time.GetUtcNow();
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

    public static async Task<SessionRecord> CreateAsync(Instance instance)
    {
        var record = NewRecord(instance.Time);
        await instance.Store.CreateAsync(record, 0, instance.Time.GetUtcNow(), default);
        return record;
    }

    /// <summary>Looks the session up once: the instance then holds one entry more.</summary>
    public static async Task FillAsync(Instance instance, SessionRecord record)
    {
        var before = instance.Count();
        Assert.NotNull(await instance.Store.FindAndSlideAsync(Lookup(instance, record), default));
        Assert.Equal(before + 1, instance.Count());
    }

    public static SessionLookup Lookup(Instance instance, SessionRecord record, byte[]? digest = null)
    {
        var now = instance.Time.GetUtcNow();
        return new SessionLookup(record.Session.Kind, record.Session.Id, digest ?? record.Digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// B caches a session, A makes <paramref name="change"/> (one of <see cref="Changes"/>, or the store's own through
    /// <paramref name="other"/>), B's cache empties within MaxStaleness by a real clock (both fake clocks stand still, so
    /// only the channel can do that), and B then answers what the store says.
    /// </summary>
    public static async Task ChangeOnAEvictsOnBAsync(Instance a, Instance b, string change, Func<SessionRecord, Task>? other = null)
    {
        var record = await CreateAsync(a);
        await FillAsync(b, record);
        var session = record.Session;
        var now = a.Time.GetUtcNow();
        var newDigest = RandomNumberGenerator.GetBytes(32);
        var suspended = new SessionClaim("role", "suspended");
        switch (change)
        {
            case "revoke":
                Assert.True(await a.Store.DeleteAsync(session.Kind, session.Id, default));
                break;
            case "revoke-all":
                Assert.Equal(1, await a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, UserId = session.UserId }, default));
                break;
            case "delete-by-filter":
                Assert.Equal(1, await a.Store.DeleteManyAsync(new SessionQuery { Kind = session.Kind, Now = now, UserId = session.UserId, Metadata = new Dictionary<string, string> { ["device"] = "phone" } }, default));
                break;
            case "rotate":
                Assert.NotNull(await a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Digest = newDigest }, now, default));
                break;
            case "update":
                Assert.NotNull(await a.Store.UpdateAsync(session.Kind, session.Id, new SessionPatch { Claims = [suspended] }, now, default));
                break;
            case "evict":
                // MaxSessionsPerUser = 1: signing in again evicts the cached session in the same atomic step.
                Assert.Equal([session.Id], await a.Store.CreateAsync(NewRecord(a.Time), 1, now, default));
                break;
            default:
                Assert.NotNull(other);
                await other(record);
                break;
        }

        await EvictedWithinMaxStalenessAsync(b.Count);
        var after = await b.Store.FindAndSlideAsync(Lookup(b, record), default);
        switch (change)
        {
            case "update":
                Assert.Equal(suspended, Assert.Single(after!.Session.Claims));
                break;
            case "rotate":
                Assert.Null(after); // the old secret is dead
                Assert.NotNull(await b.Store.FindAndSlideAsync(Lookup(b, record, newDigest), default));
                break;
            default:
                Assert.Null(after);
                break;
        }
    }

    /// <summary>A slide on A is not announced: B keeps its entry, as the delete sent after it proves.</summary>
    public static async Task SlideIsNotAnnouncedAsync(Instance a, Instance b, Action<TimeSpan> advance)
    {
        var record = await CreateAsync(a);
        await FillAsync(b, record);
        var revoked = await CreateAsync(a);
        await FillAsync(b, revoked);

        advance(TimeSpan.FromMinutes(2)); // a slide is due on A
        Assert.NotNull(await a.Store.FindAndSlideAsync(Lookup(a, record), default));
        Assert.True(await a.Store.DeleteAsync(revoked.Session.Kind, revoked.Session.Id, default));

        // Once the delete (made after the slide) has arrived, a slide announcement would have arrived before it.
        await Eventually.HoldsAsync(() => b.Count() <= 1);
        Assert.Equal(1, b.Count());
    }

    /// <summary>
    /// The channel is cut by <paramref name="cut"/> (server-side): B's cache is flushed without any lookup, a revocation
    /// meanwhile is refused, and once <paramref name="listening"/> again B caches anew.
    /// </summary>
    public static async Task CutChannelFlushesAndRefillsAsync(Instance a, Instance b, Func<Task> cut, Func<bool> listening)
    {
        var record = await CreateAsync(a);
        await FillAsync(b, record);

        await cut();
        await Eventually.HoldsAsync(() => b.Count() == 0); // flushed by the loss itself: nothing was looked up
        Assert.True(await a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default));
        Assert.Null(await b.Store.FindAndSlideAsync(Lookup(b, record), default));

        var other = await CreateAsync(a);
        await Eventually.HoldsAsync(listening);
        await FillAsync(b, other);
        Assert.Equal(1, b.Count());
    }

    /// <summary>Waits, at most MaxStaleness by a real clock, for the channel to empty the cache; fails otherwise.</summary>
    public static Task EvictedWithinMaxStalenessAsync(Func<int> count) =>
        Eventually.HoldsAsync(() => count() == 0, MaxStaleness, "the invalidation did not arrive within MaxStaleness");

    /// <summary>
    /// Over HTTP, 20 times: sign in on host A, B answers twice (the second from its cache), sign out on A, then B is
    /// asked until it answers 401, within MaxStaleness by a real clock.
    /// </summary>
    public static async Task SignOutOnAIsRefusedByBAsync(HttpClient a, HttpClient b, Func<int> cachedOnB)
    {
        for (var trial = 0; trial < 20; trial++)
        {
            var login = await a.LoginAsync("alice");
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // fills B
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // from B's cache
            Assert.True(cachedOnB() > 0);

            Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
            var lag = Stopwatch.StartNew();
            while (await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token) != HttpStatusCode.Unauthorized)
            {
                Assert.True(lag.Elapsed < MaxStaleness, $"trial {trial}: B still accepted the token {lag.Elapsed} after the sign-out");
            }
        }
    }
}
