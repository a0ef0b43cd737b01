using System.Security.Cryptography;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>The background pruner on PostgreSQL, driven by a fake clock: bounded batches, every table, several instances at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PrunerTests(PostgresServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_run_deletes_only_expired_rows_of_every_table_in_bounded_batches()
    {
        var connectionString = await server.CreateDatabaseAsync("prune");
        var time = new FakeTimeProvider(Now);
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), m => m.MapKind("ApiKey"), time, o =>
        {
            o.PruneBatchSize = 10;
            o.PruneMaxBatchesPerRun = 2;
        });
        await CreateAllAsync(host.Store, [.. Records("Session", 25, expired: true), .. Records("Session", 5, expired: false), .. Records("ApiKey", 3, expired: true)], Now);

        Assert.Equal(23, await host.Pruner.RunOnceAsync(default));   // 2 batches of 10 in Sessions (the rest waits), 3 in ApiKeys
        Assert.Equal(["10"], await Count(connectionString, "Sessions"));
        Assert.Equal(["0"], await Count(connectionString, "ApiKeys"));

        Assert.Equal(5, await host.Pruner.RunOnceAsync(default));
        Assert.Equal(["5"], await Count(connectionString, "Sessions"));
        Assert.Equal(0, await host.Pruner.RunOnceAsync(default));
        Assert.Equal(5, await host.Store.CountAsync(new SessionQuery { Kind = "Session", Now = Now }, default));
    }

    [Fact]
    public async Task A_run_on_sqlite_deletes_expired_rows_in_bounded_batches()
    {
        var directory = Directory.CreateTempSubdirectory("aspnetsessions-prune-").FullName;
        try
        {
            var time = new FakeTimeProvider(Now);
            await using var host = await StoreHost.StartAsync(db => db.UseSqlite($"Data Source={Path.Combine(directory, "prune.db")}"), time: time, store: o =>
            {
                o.PruneBatchSize = 4;
                o.PruneMaxBatchesPerRun = 2;
            });
            await CreateAllAsync(host.Store, [.. Records("Session", 10, expired: true), .. Records("Session", 3, expired: false)], Now);

            Assert.Equal(8, await host.Pruner.RunOnceAsync(default));
            Assert.Equal(2, await host.Pruner.RunOnceAsync(default));
            Assert.Equal(3, await host.Store.CountAsync(new SessionQuery { Kind = "Session", Now = Now, Status = SessionStatus.All }, default));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_background_service_prunes_after_a_random_offset_and_then_every_interval()
    {
        var connectionString = await server.CreateDatabaseAsync("prunebg");
        var time = new FakeTimeProvider(Now);
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), time: time, store: o => o.PruneInterval = TimeSpan.FromMinutes(10));
        await CreateAllAsync(host.Store, Records("Session", 4, expired: true), Now);

        await host.Pruner.StartAsync(default);
        try
        {
            Assert.Equal(["4"], await Count(connectionString, "Sessions"));   // nothing before the clock moves
            time.Advance(TimeSpan.FromMinutes(10));                             // the first run comes within one interval
            Assert.True(await Eventually.ReturnsAsync(async () => (await Count(connectionString, "Sessions"))[0] == "0", true));

            await CreateAllAsync(host.Store, Records("Session", 2, expired: true, at: time.GetUtcNow()), time.GetUtcNow());
            time.Advance(TimeSpan.FromMinutes(10));
            Assert.True(await Eventually.ReturnsAsync(async () => (await Count(connectionString, "Sessions"))[0] == "0", true));
        }
        finally
        {
            await host.Pruner.StopAsync(default);
        }
    }

    [Fact]
    public async Task Several_instances_pruning_at_once_delete_each_row_once_and_fail_nothing()
    {
        var connectionString = await server.CreateDatabaseAsync("prunemany");
        var time = new FakeTimeProvider(Now);
        var hosts = new List<StoreHost>();
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), time: time, store: o => o.PruneBatchSize = 50));
        }

        try
        {
            await CreateAllAsync(hosts[0].Store, Records("Session", 600, expired: true), Now);

            var deleted = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Pruner.RunOnceAsync(default))));

            Assert.Equal(600, deleted.Sum());
            Assert.Equal(["0"], await Count(connectionString, "Sessions"));
            Assert.All(hosts, h => Assert.DoesNotContain(h.Logs.Entries, e => e.EventId == 1506));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_run_that_the_database_fails_is_logged_and_does_not_throw()
    {
        var connectionString = await server.CreateDatabaseAsync("prunefail");
        var time = new FakeTimeProvider(Now);
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), time: time);
        await PostgresServer.QueryTextAsync(connectionString, "DROP TABLE \"Sessions\"");

        Assert.Equal(0, await host.Pruner.RunOnceAsync(default));
        Assert.Contains(host.Logs.Entries, e => e.EventId == 1506);
    }

    private static Task<List<string>> Count(string connectionString, string table) =>
        PostgresServer.QueryTextAsync(connectionString, $"SELECT count(*) FROM \"{table}\"");

    private static async Task CreateAllAsync(ISessionStore store, IEnumerable<SessionRecord> records, DateTimeOffset now)
    {
        foreach (var record in records)
        {
            await store.CreateAsync(record, 0, now, default);
        }
    }

    private static List<SessionRecord> Records(string kind, int count, bool expired, DateTimeOffset? at = null)
    {
        var now = at ?? Now;
        var records = new List<SessionRecord>();
        for (var i = 0; i < count; i++)
        {
            var user = "u" + (i % 7);
            records.Add(new SessionRecord(new Session
            {
                Id = SessionIds.New(user),
                Kind = kind,
                UserId = user,
                CreatedAt = now.AddHours(-2),
                LastSeenAt = now.AddHours(-2),
                ExpiresAt = expired ? now.AddMinutes(-1 - i) : now.AddHours(1),
            }, RandomNumberGenerator.GetBytes(32)));
        }

        return records;
    }
}
