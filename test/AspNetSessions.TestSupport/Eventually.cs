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
    public static async Task HoldsAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20); // work is running on other tasks; bounded by the deadline
        }
    }
}
