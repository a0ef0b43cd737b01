using AspNetSessions.EntityFrameworkCore.PostgreSQL;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using static AspNetSessions.TestSupport.NearCacheScenario;
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

    public static TheoryData<string> AllChanges => [.. Changes, "prune"];

    private Instance A => new(_a.Store, _a.Time, () => _a.Cache.Count);

    private Instance B => new(_b.Store, _b.Time, () => _b.Cache.Count);

    [Theory]
    [MemberData(nameof(AllChanges))]
    public Task A_change_on_one_instance_evicts_the_other_instances_entry(string change) =>
        ChangeOnAEvictsOnBAsync(A, B, change, async record =>
        {
            // The pruner's own statement, run as of a day later; B's clock has not moved, so only the NOTIFY evicts.
            Assert.Equal("prune", change);
            Assert.Equal(1, await _a.Database.PruneBatchAsync(_a.Database.Tables.For(record.Session.Kind), _a.Time.GetUtcNow().AddDays(1), 100, default));
        });

    [Fact]
    public Task A_slide_is_not_announced_and_the_other_instance_keeps_its_entry() =>
        SlideIsNotAnnouncedAsync(A, B, _a.Time.Advance);

    [Fact]
    public Task Terminating_the_listener_flushes_the_cache_a_revocation_meanwhile_is_refused_and_the_cache_refills_when_it_is_back() =>
        CutChannelFlushesAndRefillsAsync(A, B,
            async () => Assert.NotEmpty(await PostgresServer.QueryTextAsync(_connectionString,
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{PostgreSqlChangeNotifications.ListenerApplicationName}'")),
            () => _b.Cache.IsListening);

    [Fact]
    public async Task A_sign_out_on_one_host_is_refused_by_the_other_within_max_staleness()
    {
        var connectionString = await server.CreateDatabaseAsync("nearcachehttp");
        using var first = NearCachedSample(connectionString);
        using var second = NearCachedSample(connectionString);
        using var a = first.Client();
        using var b = second.Client();
        await Eventually.HoldsAsync(() => Cache(first).IsListening && Cache(second).IsListening);
        await NearCacheScenario.SignOutOnAIsRefusedByBAsync(a, b, () => Cache(second).Count);

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
}
