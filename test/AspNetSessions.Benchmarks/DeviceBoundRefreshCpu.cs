using System.Globalization;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The <see cref="DeviceBoundRefreshBenchmarks"/> cases timed by the CPU time the process spent (<see cref="Environment.CpuUsage"/>:
/// all its threads, the GC's included), not by the clock: on a machine other processes keep busy, wall-clock
/// numbers grow with the load, CPU time much less. The cases take turns, one batch of
/// <see cref="DeviceBoundRefreshBenchmarks.Sessions"/> calls each per round; a first round warms up and is not counted;
/// the median per call over the rounds is printed, with its ratio to the ES256 verification alone.
/// </summary>
internal static class DeviceBoundRefreshCpu
{
    public static async Task<int> RunAsync(int rounds)
    {
        var benchmarks = new DeviceBoundRefreshBenchmarks();
        await benchmarks.Setup();
        try
        {
            var cases = new (string Name, Func<Task> Call, bool FreshProofs)[]
            {
                ("ES256 signature verification alone (key imported)", () => Task.FromResult(benchmarks.VerifyAlone()), false),
                ("ES256 key import from the stored JWK alone", () => Task.FromResult(benchmarks.ImportAlone()), false),
                ("refresh proof check, ES256", () => Task.FromResult(benchmarks.ProofEs256()), false),
                ("refresh proof check, RS256 2048", () => Task.FromResult(benchmarks.ProofRs256()), false),
                ("refresh request 1: no proof -> 403 + challenge", benchmarks.ChallengeRefresh, false),
                ("refresh request 2: ES256 proof -> next cookie", benchmarks.SignedRefresh, true),
            };
            var perCall = cases.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round <= rounds; round++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    if (cases[c].FreshProofs)
                    {
                        benchmarks.PrepareProofs();
                    }

                    var before = Environment.CpuUsage.TotalTime;
                    for (var i = 0; i < DeviceBoundRefreshBenchmarks.Sessions; i++)
                    {
                        await cases[c].Call();
                    }

                    if (round > 0)
                    {
                        perCall[c].Add((Environment.CpuUsage.TotalTime - before).TotalMicroseconds / DeviceBoundRefreshBenchmarks.Sessions);
                    }
                }
            }

            var medians = perCall.Select(Median).ToArray();
            for (var c = 0; c < cases.Length; c++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{cases[c].Name,-52} {medians[c],8:F1} us CPU per call  {medians[c] / medians[0],5:F2}x  (min {perCall[c].Min():F1}, max {perCall[c].Max():F1})"));
            }

            return 0;
        }
        finally
        {
            await benchmarks.Cleanup();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
