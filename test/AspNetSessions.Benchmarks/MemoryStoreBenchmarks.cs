using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchApp;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The memory store's per-request call and a user's session list, with 1 000 and 1 000 000 sessions stored
/// (10 per user): neither may grow with the total. Lookups cycle over 4 096 random sessions, so the large store
/// is read the way a real one is (mostly cache misses), not one hot entry. The "same session/user every call"
/// rows repeat one probe: the same work with every line in cache, which separates the algorithm (constant) from
/// memory latency (which grows once the store no longer fits in the CPU caches).
/// </summary>
[MemoryDiagnoser]
public class MemoryStoreBenchmarks
{
    private const int Probes = 4096;

    private MemorySessionStore _store = null!;
    private SessionLookup[] _reads = [];
    private SessionLookup[] _writes = [];
    private SessionQuery[] _lists = [];
    private int _next;

    [Params(1_000, 1_000_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Sweeps never run during a benchmark; the fixed instant keeps every session valid.
        _store = new MemorySessionStore(TimeProvider.System, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));
        var hasher = new TokenHasher([]);
        Span<byte> keyMaterial = stackalloc byte[SessionTokenCodec.KeyMaterialBytes];
        var ids = new string[Sessions];
        var digests = new byte[Sessions][];
        var users = Sessions / SignInShape.SessionsPerUser;
        for (var i = 0; i < Sessions; i++)
        {
            var record = Fixtures.NewRecord(SignInShape.UserId(i % users), hasher, keyMaterial, out digests[i]);
            ids[i] = record.Session.Id;
            _store.CreateAsync(record, 0, Fixtures.Now, default).AsTask().GetAwaiter().GetResult();
        }

        var random = new Random(42);
        var slideTo = Fixtures.Now.AddMinutes(30);
        _reads = new SessionLookup[Probes];
        _writes = new SessionLookup[Probes];
        _lists = new SessionQuery[Probes];
        for (var i = 0; i < Probes; i++)
        {
            var n = random.Next(Sessions);
            // Within the sliding granularity (1 minute by default): a pure read, the common case.
            _reads[i] = new SessionLookup(Fixtures.Kind, ids[n], digests[n], Fixtures.Now, slideTo, TimeSpan.FromMinutes(1));
            // Granularity zero: every lookup writes a new LastSeenAt/ExpiresAt (a new immutable record).
            _writes[i] = new SessionLookup(Fixtures.Kind, ids[n], digests[n], Fixtures.Now.AddSeconds(1), slideTo, TimeSpan.Zero);
            _lists[i] = new SessionQuery { Kind = Fixtures.Kind, Now = Fixtures.Now, UserId = SignInShape.UserId(random.Next(users)) };
        }

        if (_store.FindAndSlideAsync(_reads[0], default).Result is null || _store.QueryAsync(_lists[0], default).Result.Items.Count != SignInShape.SessionsPerUser)
        {
            throw new InvalidOperationException("The store does not hold what was loaded.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Description = "FindAndSlide (read, within granularity)")]
    public ValueTask<SessionRecord?> FindAndSlideRead() => _store.FindAndSlideAsync(_reads[_next++ & (Probes - 1)], default);

    [Benchmark(Description = "FindAndSlide (slides: writes)")]
    public ValueTask<SessionRecord?> FindAndSlideWrite() => _store.FindAndSlideAsync(_writes[_next++ & (Probes - 1)], default);

    [Benchmark(Description = "FindAndSlide (read), same session every call")]
    public ValueTask<SessionRecord?> FindAndSlideHot() => _store.FindAndSlideAsync(_reads[0], default);

    [Benchmark(Description = "List one user's 10 sessions")]
    public ValueTask<SessionPage<SessionRecord>> ListUser() => _store.QueryAsync(_lists[_next++ & (Probes - 1)], default);

    [Benchmark(Description = "List one user's 10 sessions, same user every call")]
    public ValueTask<SessionPage<SessionRecord>> ListUserHot() => _store.QueryAsync(_lists[0], default);
}
