using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Stores;

/// <summary>The memory store's expiry schedule: what a sweep takes out, and how many slots far expiries fill.</summary>
public sealed class MemoryExpiryScheduleTests
{
    private static readonly long Minute = TimeSpan.FromMinutes(1).Ticks;
    private static readonly long Now = new DateTimeOffset(2026, 12, 4, 12, 0, 30, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void A_sweep_takes_out_the_slots_that_have_begun_and_leaves_the_rest()
    {
        var schedule = new MemoryExpirySchedule(TimeSpan.FromMinutes(1));
        schedule.Add("past", Now - 5 * Minute, Now);
        schedule.Add("this-minute", Now + Minute / 4, Now);
        schedule.Add("next-minute", Now + Minute, Now);
        schedule.Add("in-an-hour", Now + 60 * Minute, Now);

        Assert.Equal(["past", "this-minute"], schedule.TakeDue(Now).SelectMany(ids => ids).Order());
        Assert.Empty(schedule.TakeDue(Now));
        Assert.Equal(["next-minute"], schedule.TakeDue(Now + Minute).SelectMany(ids => ids));
        Assert.Equal(1, schedule.SlotCount);
    }

    [Fact]
    public void An_id_filed_again_into_a_slot_being_taken_out_waits_for_the_next_sweep()
    {
        var schedule = new MemoryExpirySchedule(TimeSpan.FromMinutes(1));
        schedule.Add("a", Now, Now);
        var taken = new List<string>();
        foreach (var ids in schedule.TakeDue(Now))
        {
            taken.AddRange(ids);
            schedule.Add("a", Now + Minute / 4, Now); // still valid: filed again in the same minute
        }

        Assert.Equal(["a"], taken);
        Assert.Equal(["a"], schedule.TakeDue(Now).SelectMany(ids => ids));
    }

    [Fact]
    public void Expiries_a_year_apart_fill_one_slot_a_horizon_ahead()
    {
        var schedule = new MemoryExpirySchedule(TimeSpan.FromMinutes(1));
        for (var day = 2; day < 365; day++)
        {
            schedule.Add("key" + day, Now + day * 24 * 60 * Minute, Now);
        }

        Assert.Equal(1, schedule.SlotCount);
        Assert.Empty(schedule.TakeDue(Now + MemoryExpirySchedule.Horizon.Ticks - Minute));
        Assert.Equal(363, schedule.TakeDue(Now + MemoryExpirySchedule.Horizon.Ticks).Sum(ids => ids.Count));
    }
}
