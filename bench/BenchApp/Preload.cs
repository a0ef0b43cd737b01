using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using AspNetSessions;

namespace BenchApp;

/// <summary>
/// <c>--preload N</c> (or <c>BENCH_PRELOAD=N</c>): before the app listens, N sessions of <see cref="SignInShape"/> are
/// created through <see cref="ISessionManager.CreateAsync"/> (what N sign-ins leave in the variant's store, by its own
/// create path), <see cref="SignInShape.SessionsPerUser"/> per user, <c>inFlight</c> at a time (pipelined for a
/// remote store). <c>--in-use M</c> (or <c>BENCH_IN_USE=M</c>; 10,000 by default, at most N): the bearer headers of M
/// of them, every (N / M)-th created so they are spread over the whole store, are kept for <c>GET /credentials</c>,
/// one a line, which the load spreads its requests over.
/// </summary>
internal static class Preload
{
    public const int DefaultInUse = 10_000;

    /// <summary>Creates at a time: enough to pipeline a remote store.</summary>
    public const int InFlight = 256;

    /// <summary>
    /// Creates at a time on PostgreSQL: each holds one of the pool's connections, which stay open afterwards, and two
    /// preloaded apps share one server's 100 connections with the load script's own.
    /// </summary>
    public const int PostgresInFlight = 32;

    /// <summary>Creates <paramref name="count"/> sessions and answers the headers of <paramref name="inUse"/> of them.</summary>
    public static async Task<string[]> RunAsync(ISessionManager sessions, int count, int inUse, int inFlight, CancellationToken cancellationToken)
    {
        inUse = Math.Clamp(inUse, 1, count);
        var stride = count / inUse;
        var headers = new string[inUse];
        // Users in turn, as the benchmarks' loads take them: creates in flight together are for different users (each
        // create checks and enforces its user's cap), not for the same one.
        var users = Math.Max(1, count / SignInShape.SessionsPerUser);
        var clock = Stopwatch.StartNew();
        long created = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var session = await sessions.CreateAsync(SignInShape.Request(SignInShape.UserId(i % users), i), ct);
            if (i % stride == 0 && i / stride < inUse)
            {
                headers[i / stride] = "Authorization: Bearer " + session.Token;
            }

            if (Interlocked.Increment(ref created) is var done && done % 1_000_000 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preloaded {done:N0} of {count:N0} sessions ({clock.Elapsed.TotalSeconds:F0} s)"));
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preloaded {count:N0} sessions in {clock.Elapsed.TotalSeconds:F1} s, {inUse:N0} in use; {Collector()}"));
        return headers;
    }

    /// <summary>What the garbage collector is and has done so far: its mode, the heap, collections and their pauses.</summary>
    public static string Collector()
    {
        var info = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode}, {Environment.ProcessorCount} cores), heap {info.HeapSizeBytes / 1e9:F2} GB, " +
            $"collections gen0/gen1/gen2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s in all");
    }
}
