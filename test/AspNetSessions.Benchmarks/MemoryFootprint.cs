using System.Globalization;
using AspNetSessions.Stores;
using BenchApp;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// <c>--memory [count]</c>: how much memory the memory store keeps per session. Creates <c>count</c> sessions through
/// <see cref="SessionManager.CreateAsync"/> (so records are exactly what an app stores; the tokens are dropped) and
/// reports the live heap growth after a full collection, divided by the count, and the bytes allocated per create.
/// </summary>
internal static class MemoryFootprint
{
    public static async Task<int> RunAsync(int count)
    {
        Console.WriteLine($"Memory store footprint, {count.ToString("N0", CultureInfo.InvariantCulture)} sessions, 10 per user (.NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        Console.WriteLine();
        Console.WriteLine("| Session shape | Retained bytes/session | Allocated bytes/create |");
        Console.WriteLine("|---|---:|---:|");
        await MeasureAsync(count, "bare (user id only)", static _ => null, static _ => null);
        await MeasureAsync(count, "one role claim", static _ => SignInShape.Claims(), static _ => null);
        await MeasureAsync(count, "role claim + metadata (user agent, IP)", static _ => SignInShape.Claims(), static i => SignInShape.Metadata(i));
        return 0;
    }

    private static async Task MeasureAsync(
        int count, string shape, Func<int, IReadOnlyList<SessionClaim>?> claims, Func<int, IReadOnlyDictionary<string, string>?> metadata)
    {
        var users = new string[Math.Max(1, count / SignInShape.SessionsPerUser)];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = SignInShape.UserId(i); // user ids belong to the app; they are not counted
        }

        using var store = new MemorySessionStore(TimeProvider.System, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));
        var manager = new SessionManager(
            SessionAuthenticationDefaults.AuthenticationScheme, new SessionAuthenticationOptions(), store, TimeProvider.System, NullLogger<SessionManager>.Instance);

        // Warm up (JIT, static caches) with one session of another user, then measure from a collected heap.
        await manager.CreateAsync(new SessionCreateRequest { UserId = "warm-up" });
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            await manager.CreateAsync(new SessionCreateRequest { UserId = users[i % users.Length], Claims = claims(i), Metadata = metadata(i) });
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (store.Count != count + 1)
        {
            throw new InvalidOperationException($"Expected {count + 1} sessions, found {store.Count}.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {shape} | {(after - before) / (double)count:F0} | {allocated / (double)count:F0} |"));
        GC.KeepAlive(users);
        GC.KeepAlive(store);
    }
}
