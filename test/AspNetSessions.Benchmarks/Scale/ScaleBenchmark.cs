using System.Diagnostics;
using System.Globalization;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchApp;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>
/// <c>--scale [count] [memory,redis,postgres]</c> (bench/scale.sh): loads <c>count</c> sessions of the sample's shape
/// (a role claim, user agent and IP metadata, 10 per user) into each store, bypassing HTTP, and measures through the
/// store SPI: bytes per session (at 10 000, 100 000 and <c>count</c>, so the slope extrapolates to 10 M), lookup
/// (authentication) throughput with 10 000 against <c>count</c> stored (two stores side by side, measured in
/// alternating rounds, each over up to 100 000 of its sessions picked at random, so a large store is not measured on a
/// cache-warm few), a user's listing per call, and revoke-all for a user with 10 000 sessions.
/// </summary>
internal static class ScaleBenchmark
{
    private const int Small = 10_000;
    private const int ClaimOnly = 100_000;
    private const int Batch = 10_000;
    private const int Probes = 100_000;
    private const int Rounds = 5;
    private const int RevokeRuns = 5;
    private const int RevokedSessions = 10_000;
    private const int Listings = 1_000;
    private const int Pages = 500;
    private const int PageSize = 50;
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(4);

    private static readonly Dictionary<string, Func<Task<ScaleStore>>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["memory"] = () => Task.FromResult<ScaleStore>(new MemoryScaleStore()),
        ["redis"] = RedisScaleStore.StartAsync,
        ["postgres"] = PostgresScaleStore.StartAsync,
    };

    public static async Task<int> RunAsync(int count, IReadOnlyList<string> stores)
    {
        if (count < Small)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"At least {Small} sessions.");
        }

        var started = Stopwatch.StartNew();
        var results = new List<Result>();
        foreach (var name in stores)
        {
            var factory = Factories.TryGetValue(name, out var f) ? f : throw new ArgumentException($"Unknown store '{name}': memory, redis or postgres.");
            results.Add(await RunStoreAsync(name, factory, count));
        }

        Report(count, results, started.Elapsed);
        return 0;
    }

    private static async Task<Result> RunStoreAsync(string name, Func<Task<ScaleStore>> factory, int count)
    {
        Progress($"{name}: starting");
        await using var small = await factory();
        await using var large = await factory();
        var loader = new Loader();

        var smallProbes = new Plan("s", Small);
        var smallBase = await small.BytesAsync();
        await loader.LoadAsync(small, smallProbes);
        var smallBytes = await small.BytesAsync() - smallBase;

        var checkpoints = new SortedDictionary<int, long>();
        var largeProbes = new Plan("l", count);
        var largeBase = await large.BytesAsync();
        await loader.LoadAsync(large, largeProbes, async loaded =>
        {
            checkpoints[loaded] = await large.BytesAsync() - largeBase;
            Progress($"{name}: {loaded:N0} stored, {checkpoints[loaded] / (double)loaded:F0} B/session");
        });

        var description = await large.DescribeAsync(largeProbes.First!);
        var claimOnly = await ClaimOnlyBytesAsync(factory, loader);
        Progress($"{name}: {claimOnly / (double)ClaimOnly:F0} B/session with a role claim only");

        // Throughput, in alternating rounds so that drift on a shared machine hits all alike: the small store (all
        // 10 000 in use), the large one with as many in use (its size alone: the target), and the large one with up to
        // 100 000 in use (a larger working set: more cache misses, which a larger store brings only with more users).
        var largeHot = largeProbes.Lookups[..Small];
        await LookupsPerSecondAsync(small, smallProbes.Lookups, TimeSpan.FromSeconds(1));
        await LookupsPerSecondAsync(large, largeProbes.Lookups, TimeSpan.FromSeconds(1));
        await large.ResetServerStatsAsync();
        var rates = new List<double>[] { [], [], [] };
        for (var round = 0; round < Rounds; round++)
        {
            rates[0].Add(await LookupsPerSecondAsync(small, smallProbes.Lookups, Round));
            rates[1].Add(await LookupsPerSecondAsync(large, largeHot, Round));
            rates[2].Add(await LookupsPerSecondAsync(large, largeProbes.Lookups, Round));
            Progress($"{name}: lookups/s round {round + 1}: {rates[0][^1]:N0} at {Small:N0}; at {count:N0}: {rates[1][^1]:N0} over {Small:N0} in use, {rates[2][^1]:N0} over {largeProbes.Lookups.Length:N0}");
        }

        var lookupCost = await large.ServerCostAsync();
        var listing = await ListingAsync(large, largeProbes.Users);
        Progress($"{name}: a user's listing p99 {listing.P99:F2} ms");
        var pages = await AdminPagesAsync(large);
        Progress($"{name}: admin listing p99 {pages.P99:F2} ms per page");

        var revokes = new List<double>();
        for (var run = 0; run < RevokeRuns; run++)
        {
            revokes.Add(await RevokeAllAsync(large, loader, run));
            Progress($"{name}: revoke-all of {RevokedSessions:N0} sessions: {revokes[^1]:F1} ms");
        }

        return new Result(name, smallBytes, checkpoints, largeProbes.LoadTime, description, claimOnly, large.Callers, Median(rates[0]), Median(rates[1]), Median(rates[2]), largeProbes.Lookups.Length, lookupCost, listing, pages, revokes);
    }

    /// <summary>The growth of a fresh store by <see cref="ClaimOnly"/> sessions with a role claim and no metadata.</summary>
    private static async Task<long> ClaimOnlyBytesAsync(Func<Task<ScaleStore>> factory, Loader loader)
    {
        await using var store = await factory();
        var plan = new Plan("c", ClaimOnly) { Metadata = false };
        var before = await store.BytesAsync();
        await loader.LoadAsync(store, plan);
        return await store.BytesAsync() - before;
    }

    /// <summary>Lookups (<see cref="ISessionStore.FindAndSlideAsync"/>, between slides: what most requests are) per second.</summary>
    private static async Task<double> LookupsPerSecondAsync(ScaleStore target, SessionLookup[] lookups, TimeSpan duration)
    {
        long calls = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, target.Callers).Select(c => Task.Run(async () =>
        {
            var i = c * 7919;
            long made = 0;
            while (clock.Elapsed < duration)
            {
                _ = await target.Store.FindAndSlideAsync(lookups[i++ % lookups.Length], default)
                    ?? throw new InvalidOperationException("A stored session was not found.");
                made++;
            }

            Interlocked.Add(ref calls, made);
        }));
        await Task.WhenAll(callers);
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One user's sessions (10), one call at a time: milliseconds per call.</summary>
    private static async Task<Latency> ListingAsync(ScaleStore target, string[] users)
    {
        var random = new Random(7);
        var times = new List<double>(Listings);
        for (var i = -50; i < Listings; i++)
        {
            var query = new SessionQuery { Kind = Fixtures.Kind, Now = Fixtures.Now, UserId = users[random.Next(users.Length)] };
            var clock = Stopwatch.StartNew();
            var found = await target.Store.QueryAsync(query, default);
            if (found.Items.Count != SignInShape.SessionsPerUser)
            {
                throw new InvalidOperationException($"Listed {found.Items.Count} sessions of a user with {SignInShape.SessionsPerUser}.");
            }

            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return Latency.Of(times);
    }

    /// <summary>
    /// The admin listing: every session of the kind in pages of <see cref="PageSize"/> (the admin endpoint's default),
    /// <see cref="Pages"/> pages from the first, each following the previous page's cursor: milliseconds per page.
    /// </summary>
    private static async Task<Latency> AdminPagesAsync(ScaleStore target)
    {
        var times = new List<double>(Pages);
        string? cursor = null;
        for (var i = -10; i < Pages; i++)
        {
            var query = new SessionQuery { Kind = Fixtures.Kind, Now = Fixtures.Now, Limit = PageSize, Cursor = cursor };
            var clock = Stopwatch.StartNew();
            var page = await target.Store.QueryAsync(query, default);
            if (page.Items.Count != PageSize || page.Next is null)
            {
                throw new InvalidOperationException($"A page of {page.Items.Count} sessions of {PageSize}.");
            }

            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            cursor = page.Next;
        }

        return Latency.Of(times);
    }

    /// <summary>Stores <see cref="RevokedSessions"/> sessions of one user (not measured), then times one revoke-all.</summary>
    private static async Task<double> RevokeAllAsync(ScaleStore target, Loader loader, int run)
    {
        var user = "revoked-" + run.ToString(CultureInfo.InvariantCulture);
        await target.AddAsync(loader.Records(user, RevokedSessions));
        var query = new SessionQuery { Kind = Fixtures.Kind, Now = Fixtures.Now, UserId = user, Status = SessionStatus.All };
        var clock = Stopwatch.StartNew();
        var revoked = await target.Store.DeleteManyAsync(query, default);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return revoked == RevokedSessions ? elapsed : throw new InvalidOperationException($"Revoked {revoked} of {RevokedSessions}.");
    }

    private static void Report(int count, List<Result> results, TimeSpan elapsed)
    {
        var n = count.ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scale: {n} sessions per store (a role claim, user agent and IP metadata, {SignInShape.SessionsPerUser} per user); .NET {Environment.Version}, {Environment.ProcessorCount} cores; {elapsed.TotalMinutes:F1} min"));
        Console.WriteLine();
        Console.WriteLine("**Bytes per session** (the store's growth / sessions stored; the slope is the growth per session between 100,000 and the full count, and extrapolates to 10 M):");
        Console.WriteLine();
        Console.WriteLine($"| Store | at 10,000 | at 100,000 | at {n} | slope | 10 M extrapolated | load rate | role claim only, at 100,000 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var at = r.Checkpoints;
            var full = at[count];
            var slope = count > 100_000 ? (full - at[100_000]) / (double)(count - 100_000) : full / (double)count;
            var tenMillion = full + (slope * (10_000_000 - count));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Store} | {at[Small] / (double)Small:F0} B | {(at.TryGetValue(100_000, out var h) ? (h / 100_000.0).ToString("F0", CultureInfo.InvariantCulture) + " B" : "–")} | {full / (double)count:F0} B | {slope:F0} B | {tenMillion / 1e9:F2} GB ({tenMillion / 1e7:F0} B/session) | {r.Checkpoints.Keys.Max() / r.LoadTime.TotalSeconds:N0}/s | {r.ClaimOnlyBytes / (double)ClaimOnly:F0} B |"));
        }

        Console.WriteLine();
        foreach (var r in results.Where(r => r.Description is not null))
        {
            Console.WriteLine($"{r.Store}: {r.Description}");
            Console.WriteLine();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"**Authentication throughput** (store lookups between slides per second, median of {Rounds} alternating {Round.TotalSeconds:F0} s rounds, over random sessions of the store; target: at most 10 % lower with {n} stored and as many in use):"));
        Console.WriteLine();
        Console.WriteLine($"| Store | callers | 10,000 stored | {n} stored, 10,000 in use | ratio | {n} stored, more in use | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Store} | {r.Callers} | {r.SmallRate:N0}/s | {r.LargeRate:N0}/s | {r.LargeRate / r.SmallRate:F3} | {r.LargeWideRate:N0}/s ({r.Wide:N0} in use) | {r.LargeWideRate / r.SmallRate:F3} |"));
        }

        foreach (var r in results.Where(r => r.LookupCost is not null))
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Store}, with {n} stored: {r.LookupCost}."));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"**Admin listing** (every session of the kind, {Pages} pages of {PageSize} from the first, each after the previous page's cursor; target: p99 ≤ 50 ms per page), **a user's listing** (one user's {SignInShape.SessionsPerUser} sessions, {Listings} calls), one call at a time with {n} stored, and **revoke-all** (one user with {RevokedSessions:N0} sessions among {n}; {RevokeRuns} runs; target ≤ 100 ms):"));
        Console.WriteLine();
        Console.WriteLine("| Store | admin page p50 | admin page p99 | user listing p50 | user listing p99 | revoke-all median | revoke-all max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Store} | {r.Pages.P50:F2} ms | {r.Pages.P99:F2} ms | {r.Listing.P50:F2} ms | {r.Listing.P99:F2} ms | {Median(r.Revokes):F1} ms | {r.Revokes.Max():F1} ms |"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private readonly record struct Latency(double P50, double P99)
    {
        public static Latency Of(List<double> times)
        {
            times.Sort();
            return new Latency(times[times.Count / 2], times[(int)(times.Count * 0.99)]);
        }
    }

    private sealed record Result(
        string Store, long SmallBytes, SortedDictionary<int, long> Checkpoints, TimeSpan LoadTime, string? Description,
        long ClaimOnlyBytes, int Callers, double SmallRate, double LargeRate, double LargeWideRate, int Wide, string? LookupCost, Latency Listing, Latency Pages, List<double> Revokes);

    /// <summary>
    /// What a load needs and leaves for the measurements, allocated before the store's base size is taken, so a memory
    /// store's growth holds only what it keeps (user ids belong to the app and are not counted, as in <c>--memory</c>).
    /// <see cref="LoadTime"/> is the time spent in the store's bulk adds.
    /// </summary>
    private sealed class Plan
    {
        public Plan(string userPrefix, int count)
        {
            Count = count;
            Users = new string[count / SignInShape.SessionsPerUser];
            for (var u = 0; u < Users.Length; u++)
            {
                Users[u] = userPrefix + "-" + u.ToString(CultureInfo.InvariantCulture);
            }

            var random = new Random(42);
            while (ProbeAt.Count < Math.Min(Probes, count))
            {
                ProbeAt.Add(random.Next(count));
            }

            Lookups = new SessionLookup[ProbeAt.Count];
        }

        public int Count { get; }

        public string[] Users { get; }

        public HashSet<int> ProbeAt { get; } = [];

        public SessionLookup[] Lookups { get; }

        public List<SessionRecord> Batch { get; } = new(ScaleBenchmark.Batch);

        public SessionRecord? First { get; set; }

        public TimeSpan LoadTime { get; set; }

        /// <summary>Whether the sessions carry sign-in metadata (user agent, IP) besides their role claim.</summary>
        public bool Metadata { get; init; } = true;
    }

    /// <summary>Generates sessions of the sample's shape in batches and keeps probes for lookups.</summary>
    private sealed class Loader
    {
        private readonly TokenHasher _hasher = new([]);
        private readonly byte[] _keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        private int _next;

        /// <summary>Stores the plan's sessions; <paramref name="checkpoint"/> runs after 10 000, 100 000 and all.</summary>
        public async Task<Plan> LoadAsync(ScaleStore target, Plan plan, Func<int, Task>? checkpoint = null)
        {
            var adding = new Stopwatch();
            var probe = 0;
            for (var i = 0; i < plan.Count; i++)
            {
                var record = Fixtures.NewRecord(plan.Users[i % plan.Users.Length], _hasher, _keyMaterial, out var digest, plan.Metadata ? SignInShape.Metadata(_next++) : null);
                // Created one millisecond apart, the last at the fixtures' instant, as sign-ins over time are (created-at
                // orders the admin listing; a million in one millisecond would be one tie).
                var created = Fixtures.Now.AddMilliseconds(i - plan.Count);
                record = record with { Session = record.Session with { CreatedAt = created, AuthenticatedAt = created } };
                plan.First ??= record;
                plan.Batch.Add(record);
                if (plan.ProbeAt.Contains(i))
                {
                    plan.Lookups[probe++] = new SessionLookup(Fixtures.Kind, record.Session.Id, digest, Fixtures.Now, Fixtures.Now.AddMinutes(30), TimeSpan.FromMinutes(1));
                }

                if (plan.Batch.Count == Batch || i == plan.Count - 1)
                {
                    adding.Start();
                    await target.AddAsync(plan.Batch);
                    adding.Stop();
                    plan.Batch.Clear();
                    if (checkpoint is not null && (i + 1 is Small or 100_000 || i + 1 == plan.Count))
                    {
                        await checkpoint(i + 1);
                    }
                }
            }

            plan.LoadTime = adding.Elapsed;
            return plan;
        }

        public SessionRecord[] Records(string user, int count) =>
            [.. Enumerable.Range(0, count).Select(_ => Fixtures.NewRecord(user, _hasher, _keyMaterial, out byte[] _, SignInShape.Metadata(_next++)))];
    }
}
