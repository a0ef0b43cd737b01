using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using AspNetSessions.EntityFrameworkCore.PostgreSQL;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.NearCache;

/// <summary>
/// Two app instances with the near-cache on one real PostgreSQL database: every change made through one reaches the
/// other's cache through NOTIFY/LISTEN. Both clocks are fake and never reach MaxStaleness, so only the channel can make
/// the second instance let go of an entry.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNearCacheTests(PostgresServer server) : IAsyncLifetime
{
    private PostgresNearCache _a = null!;
    private PostgresNearCache _b = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync("nearcache2");
        _a = await PostgresNearCache.StartAsync(_connectionString);
        _b = await _a.SecondInstanceAsync(_connectionString);
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
    [InlineData("rotate")]
    [InlineData("update")]
    [InlineData("replace")]
    [InlineData("evict")]
    [InlineData("prune")]
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
            case "prune":
                // The pruner's own statement, run as of a day later; B's clock has not moved, so only the NOTIFY evicts.
                Assert.Equal(1, await _a.Database.PruneBatchAsync(_a.Database.Tables.For(session.Kind), now.AddDays(1), 100, default));
                break;
        }

        await EvictedWithinMaxStalenessAsync(_b.Cache);
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
    public async Task A_slide_is_not_announced_and_the_other_instance_keeps_its_entry()
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);
        var revoked = await CreateAsync(_a);
        await FillAsync(_b, revoked);

        _a.Time.Advance(TimeSpan.FromMinutes(2)); // a slide is due on A
        Assert.NotNull(await _a.Store.FindAndSlideAsync(Lookup(_a, record), default));
        Assert.True(await _a.Store.DeleteAsync(revoked.Session.Kind, revoked.Session.Id, default));

        // Once the delete (committed after the slide) has arrived, a slide announcement would have arrived before it.
        await Eventually.HoldsAsync(() => _b.Cache.Count <= 1);
        Assert.Equal(1, _b.Cache.Count);
    }

    [Fact]
    public async Task Terminating_the_listener_flushes_the_cache_a_revocation_meanwhile_is_refused_and_the_cache_refills_when_it_is_back()
    {
        var record = await CreateAsync(_a);
        await FillAsync(_b, record);

        Assert.NotEmpty(await PostgresServer.QueryTextAsync(_connectionString,
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{PostgreSqlChangeNotifications.ListenerApplicationName}'"));
        await Eventually.HoldsAsync(() => _b.Cache.Count == 0); // flushed by the loss itself: nothing was looked up
        Assert.True(await _a.Store.DeleteAsync(record.Session.Kind, record.Session.Id, default));
        Assert.Null(await _b.Store.FindAndSlideAsync(Lookup(_b, record), default));

        var other = await CreateAsync(_a);
        await Eventually.HoldsAsync(() => _b.Cache.IsListening);
        await FillAsync(_b, other);
        Assert.Equal(1, _b.Cache.Count);
    }

    [Fact]
    public async Task A_sign_out_on_one_host_is_refused_by_the_other_within_max_staleness()
    {
        var connectionString = await server.CreateDatabaseAsync("nearcachehttp");
        using var first = NearCachedSample(connectionString);
        using var second = NearCachedSample(connectionString);
        using var a = first.Client();
        using var b = second.Client();
        await Eventually.HoldsAsync(() => Cache(first).IsListening && Cache(second).IsListening);

        for (var trial = 0; trial < 20; trial++)
        {
            var login = await a.LoginAsync("alice");
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // fills B
            Assert.Equal(HttpStatusCode.OK, await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token)); // from B's cache
            Assert.True(Cache(second).Count > 0);

            Assert.Equal(HttpStatusCode.NoContent, await a.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
            var lag = Stopwatch.StartNew();
            while (await b.StatusAsync(HttpMethod.Get, "/api/me", login.Token) != HttpStatusCode.Unauthorized)
            {
                Assert.True(lag.Elapsed < PostgresNearCache.MaxStaleness, $"trial {trial}: B still accepted the token {lag.Elapsed} after the sign-out");
            }
        }

        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection); // the two hosts' pool, back to the shared server
    }

    [Fact]
    public void The_near_cache_on_sqlite_is_refused_at_startup_with_a_message_naming_the_setting()
    {
        var errors = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(Path.GetTempPath(), "aspnetsessions-nearcache-" + Guid.NewGuid().ToString("N")[..8] + ".db")}",
            ["SessionAuth:NearCache:Enabled"] = "true",
        }));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:NearCache:Enabled", StringComparison.Ordinal)
            && e.Message.Contains("Microsoft.EntityFrameworkCore.Sqlite", StringComparison.Ordinal)
            && e.Message.Contains("no change channel", StringComparison.Ordinal));
    }

    private static SampleApp NearCachedSample(string connectionString) => new(new Dictionary<string, string?>
    {
        ["SessionAuth:Store"] = "EntityFrameworkCore",
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Sessions"] = connectionString,
        ["SessionAuth:NearCache:Enabled"] = "true",
        ["SessionAuth:NearCache:MaxStaleness"] = PostgresNearCache.MaxStaleness.ToString(),
    });

    private static NearCacheSessionStore Cache(SampleApp app) => Assert.IsType<NearCacheSessionStore>(app.Services.GetRequiredService<ISessionStore>());

    /// <summary>Waits, at most MaxStaleness by a real clock, for the channel to empty the cache; fails otherwise.</summary>
    private static async Task EvictedWithinMaxStalenessAsync(NearCacheSessionStore cache)
    {
        var clock = Stopwatch.StartNew();
        while (cache.Count != 0)
        {
            Assert.True(clock.Elapsed < PostgresNearCache.MaxStaleness, "the invalidation did not arrive within MaxStaleness");
            await Task.Delay(5); // a notification from a real PostgreSQL is awaited; bounded above
        }
    }

    private static async Task<SessionRecord> CreateAsync(PostgresNearCache instance)
    {
        var record = NewRecord(instance);
        await instance.Store.SetAsync(record, instance.Time.GetUtcNow(), default);
        return record;
    }

    private static SessionRecord NewRecord(PostgresNearCache instance)
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

    private static async Task FillAsync(PostgresNearCache instance, SessionRecord record)
    {
        var before = instance.Cache.Count;
        Assert.NotNull(await instance.Store.FindAndSlideAsync(Lookup(instance, record), default));
        Assert.Equal(before + 1, instance.Cache.Count);
    }

    private static SessionLookup Lookup(PostgresNearCache instance, SessionRecord record, byte[]? digest = null)
    {
        var now = instance.Time.GetUtcNow();
        return new SessionLookup(record.Session.Kind, record.Session.Id, digest ?? record.Digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(1));
    }
}
