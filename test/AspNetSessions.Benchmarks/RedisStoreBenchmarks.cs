using AspNetSessions.Redis;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchApp;
using BenchmarkDotNet.Attributes;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The Redis store's per-request call over ONE multiplexed connection (what an app has), with 1, 16 or 64 callers
/// in flight. Each invocation runs 64 find-and-slides in waves of <see cref="InFlight"/>, so Mean is per call and
/// 1/Mean is the connection's throughput. The benchmark starts its own redis-server on a free loopback port.
/// </summary>
[MemoryDiagnoser]
public class RedisFindAndSlideBenchmarks
{
    private const int Calls = 64;
    private const int Stored = 1_000;

    private RedisServerProcess _server = null!;
    private RedisSessionStore _store = null!;
    private SessionLookup[] _lookups = [];
    private ValueTask<SessionRecord?>[] _pending = [];
    private int _next;

    [Params(1, 16, 64)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await RedisServerProcess.StartAsync();
        _store = _server.CreateStore("bench:");
        (_lookups, _) = await RedisFixtures.LoadAsync(_store, Stored, TimeSpan.FromMinutes(1));
        _pending = new ValueTask<SessionRecord?>[InFlight];
        if (await _store.FindAndSlideAsync(_lookups[0], default) is null)
        {
            throw new InvalidOperationException("The loaded sessions are not found.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "FindAndSlide over one connection")]
    public async Task<int> FindAndSlide()
    {
        var found = 0;
        for (var wave = 0; wave < Calls / InFlight; wave++)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                _pending[i] = _store.FindAndSlideAsync(_lookups[_next++ % _lookups.Length], default);
            }

            for (var i = 0; i < _pending.Length; i++)
            {
                found += await _pending[i] is null ? 0 : 1;
            }
        }

        return found == Calls ? found : throw new InvalidOperationException("A session was not found.");
    }
}

/// <summary>
/// Listing one user's 10 sessions from Redis with 1 000 and 1 000 000 sessions stored: one script, O(log n + k).
/// The store is filled with pipelined writes (every write of a batch sent before the first reply is read).
/// </summary>
[MemoryDiagnoser]
public class RedisListBenchmarks
{
    private RedisServerProcess _server = null!;
    private RedisSessionStore _store = null!;
    private SessionQuery[] _queries = [];
    private int _next;

    [Params(1_000, 1_000_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await RedisServerProcess.StartAsync();
        _store = _server.CreateStore("bench:");
        (_, _queries) = await RedisFixtures.LoadAsync(_store, Sessions, TimeSpan.FromMinutes(1));
        if ((await _store.QueryAsync(_queries[0], default)).Items.Count != SignInShape.SessionsPerUser)
        {
            throw new InvalidOperationException("The loaded sessions are not listed.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Description = "List one user's 10 sessions")]
    public ValueTask<SessionPage<SessionRecord>> ListUser() => _store.QueryAsync(_queries[_next++ % _queries.Length], default);
}

internal static class RedisFixtures
{
    private const int Probes = 1024;
    private const int Batch = 10_000;

    /// <summary>Stores <paramref name="count"/> sessions (10 per user) with pipelined batches; returns probes for lookups and lists.</summary>
    public static async Task<(SessionLookup[] Lookups, SessionQuery[] Queries)> LoadAsync(RedisSessionStore store, int count, TimeSpan touchInterval)
    {
        var hasher = new TokenHasher([]);
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        var users = count / SignInShape.SessionsPerUser;
        var random = new Random(42);
        var probeAt = new HashSet<int>();
        while (probeAt.Count < Math.Min(Probes, count))
        {
            probeAt.Add(random.Next(count));
        }

        var lookups = new List<SessionLookup>();
        var batch = new List<SessionRecord>(Batch);
        var slideTo = Fixtures.Now.AddMinutes(30);
        for (var i = 0; i < count; i++)
        {
            var record = Fixtures.NewRecord(SignInShape.UserId(i % users), hasher, keyMaterial, out var digest);
            batch.Add(record);
            if (probeAt.Contains(i))
            {
                lookups.Add(new SessionLookup(Fixtures.Kind, record.Session.Id, digest, Fixtures.Now, slideTo, touchInterval));
            }

            if (batch.Count == Batch || i == count - 1)
            {
                await Task.WhenAll(batch.Select(r => store.CreateAsync(r, 0, Fixtures.Now, default).AsTask()));
                batch.Clear();
            }
        }

        var queries = new SessionQuery[Probes];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = new SessionQuery { Kind = Fixtures.Kind, Now = Fixtures.Now, UserId = SignInShape.UserId(random.Next(users)) };
        }

        return ([.. lookups], queries);
    }
}
