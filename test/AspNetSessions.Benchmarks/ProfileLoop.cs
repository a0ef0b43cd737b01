using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// One <see cref="HandlerBenchmarks"/> case called in a steady loop, for a profiler to sample (BenchmarkDotNet's own
/// process switching makes its runs hard to attach to): <c>perf record -g -- dotnet AspNetSessions.Benchmarks.dll --loop
/// bearer 3000000</c>, with <c>DOTNET_PerfMapEnabled=1</c> so perf can name the JIT-compiled frames. Prints the time and
/// bytes per call it saw, as a cross-check of the benchmark, not as a result.
/// </summary>
internal static class ProfileLoop
{
    private const int Warmup = 200_000;

    public static async Task<int> RunAsync(string name, int calls)
    {
        var benchmarks = new HandlerBenchmarks();
        Func<Task<AuthenticateResult>>? call = name switch
        {
            "bearer" => benchmarks.Bearer,
            "cookie" => benchmarks.Cookie,
            "floor" => benchmarks.Floor,
            "no-token" => benchmarks.NoToken,
            _ => null,
        };
        if (call is null)
        {
            await Console.Error.WriteLineAsync($"--loop: unknown case '{name}'; one of bearer, cookie, floor, no-token.");
            return 2;
        }

        await benchmarks.Setup();
        try
        {
            for (var i = 0; i < Warmup; i++)
            {
                await call();
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var elapsed = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                await call();
            }

            elapsed.Stop();
            var perCall = elapsed.Elapsed.TotalNanoseconds / calls;
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {calls} calls, {perCall:F0} ns and {bytes} B per call"));
            return 0;
        }
        finally
        {
            await benchmarks.Cleanup();
        }
    }
}
