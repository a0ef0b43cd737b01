namespace AspNetSessions.TestSupport;

/// <summary>
/// Bounded waiting on real processes (a restarting redis-server or PostgreSQL, a client's background reconnect, a background service, load running on
/// other tasks). Expiry is never waited for this way: tests advance a fake clock for that.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Repeats <paramref name="attempt"/> until it returns <paramref name="wanted"/> or the deadline passes; returns the last result.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> attempt, T wanted)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var result = await attempt();
            if (EqualityComparer<T>.Default.Equals(result, wanted) || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(50); // a real process is being waited for; bounded by the deadline
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test at the deadline.</summary>
    public static Task HoldsAsync(Func<bool> condition) => HoldsAsync(condition, Deadline, "condition not reached in time");

    /// <summary>Waits, at most <paramref name="within"/> by a real clock, until <paramref name="condition"/> holds; fails the test with <paramref name="failure"/> otherwise.</summary>
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan within, string failure)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < within, failure);
            await Task.Delay(5); // work is running on other tasks or in a real server; bounded by the deadline
        }
    }
}
