using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// Revoke-all (the store's <c>DeleteManyAsync</c> for one user, what <c>RevokeAllAsync</c> calls) when that user holds
/// 1 000, 10 000 or 100 000 sessions, on the memory store, Redis and PostgreSQL (issue #22, bounded per-user cost:
/// linear, at most 100 ms for 10 000). Each iteration first stores the user's sessions (not measured), then revokes them
/// all in one call (5 iterations after 1 warm-up). Starts its own redis-server and throwaway PostgreSQL (.ci/throwaway-postgres), as the tests do.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class RevokeAllBenchmarks
{
    private const string UserId = "user-with-many-sessions";

    private RedisServerProcess? _redis;
    private PostgresServerProcess? _postgres;
    private ISessionStore _store = null!;
    private SessionRecord[] _records = [];

    /// <summary>The stores measured: all three, or those listed in <c>REVOKE_ALL_STORES</c> (e.g. <c>Memory,Redis</c>).</summary>
    public static IEnumerable<string> Stores => Environment.GetEnvironmentVariable("REVOKE_ALL_STORES")?.Split(',') ?? ["Memory", "Redis", "PostgreSQL"];

    /// <summary>The session counts: 1 000, 10 000 and 100 000, or those listed in <c>REVOKE_ALL_SESSIONS</c>.</summary>
    public static IEnumerable<int> Counts => Environment.GetEnvironmentVariable("REVOKE_ALL_SESSIONS")?.Split(',').Select(int.Parse) ?? [1_000, 10_000, 100_000];

    [ParamsSource(nameof(Stores))]
    public string Store { get; set; } = "Memory";

    [ParamsSource(nameof(Counts))]
    public int Sessions { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        switch (Store)
        {
            case "Memory":
                _store = new MemorySessionStore(new Fixtures.FixedTime(), NullLogger<MemorySessionStore>.Instance);
                break;
            case "Redis":
                _redis = await RedisServerProcess.StartAsync();
                _store = _redis.CreateStore("bench:");
                break;
            default:
                _postgres = await PostgresServerProcess.StartAsync("No Reset On Close=true");
                _store = _postgres.Store;
                break;
        }

        var hasher = new TokenHasher([]);
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        _records = [.. Enumerable.Range(0, Sessions).Select(_ => Fixtures.NewRecord(UserId, hasher, keyMaterial, out var _))];
    }

    [IterationSetup]
    public void Store_the_sessions()
    {
        // Batches, so a remote store gets requests of a sensible size.
        foreach (var batch in _records.Chunk(1_000))
        {
            Task.WhenAll(batch.Select(r => _store.CreateAsync(r, 0, Fixtures.Now, default).AsTask())).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "Revoke all sessions of one user")]
    public async Task<long> RevokeAll()
    {
        var revoked = await _store.DeleteManyAsync(
            new SessionQuery { Kind = Fixtures.Kind, UserId = UserId, Status = SessionStatus.All, Now = Fixtures.Now }, default);
        return revoked == Sessions ? revoked : throw new InvalidOperationException($"revoked {revoked} of {Sessions}");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        switch (_store)
        {
            case IAsyncDisposable disposable:
                await disposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
