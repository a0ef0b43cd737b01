using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Stores;

/// <summary>The cap's one rule (<see cref="SessionEviction"/>): which sessions a new one evicts.</summary>
public sealed class SessionEvictionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_oldest_go_first_and_ties_in_one_instant_go_by_ordinal_id()
    {
        // "B" < "a" < "b" by ordinal comparison, whatever a culture says.
        SessionRecord[] others = [Record(T0.AddTicks(2), "z"), Record(T0, "b"), Record(T0, "B"), Record(T0.AddTicks(1), "a1"), Record(T0, "a")];

        Assert.Equal(new[] { "B", "a", "b" }, SessionEviction.Choose(others, maxSessionsPerUser: 3));
        Assert.Equal(new[] { "B", "a", "b", "a1", "z" }, SessionEviction.Choose(others, maxSessionsPerUser: 1));
        Assert.Empty(SessionEviction.Choose(others, maxSessionsPerUser: 6));
        Assert.Equal(new[] { "B" }, SessionEviction.Choose(others, maxSessionsPerUser: 5));
    }

    [Fact]
    public void An_instant_in_another_offset_is_ordered_by_its_utc_time()
    {
        // 13:00 at +02:00 is 11:00 UTC: older than 12:00 UTC although its clock time is later.
        SessionRecord[] others = [Record(T0, "a"), Record(new DateTimeOffset(2026, 12, 4, 13, 0, 0, TimeSpan.FromHours(2)), "b")];

        Assert.Equal(new[] { "b" }, SessionEviction.Choose(others, maxSessionsPerUser: 2));
    }

    [Fact]
    public void As_many_as_exceed_the_cap_go_and_they_are_the_first_in_listing_order()
    {
        var random = new Random(27);
        for (var round = 0; round < 200; round++)
        {
            var records = Enumerable.Range(0, random.Next(0, 12))
                .Select(i => Record(T0.AddTicks(random.Next(0, 4)), ((char)('A' + random.Next(0, 52))).ToString() + i))
                .ToArray();
            var cap = random.Next(1, 14);

            var evicted = SessionEviction.Choose(records, cap);

            Assert.Equal(Math.Max(0, records.Length - (cap - 1)), evicted.Count);
            Assert.Equal(records.Order(SessionRecord.OldestFirst).Take(evicted.Count).Select(r => r.Session.Id), evicted);
            var kept = records.Where(r => !evicted.Contains(r.Session.Id)).ToArray();
            Assert.All(kept, k => Assert.All(evicted, id => Assert.True(SessionPosition.Of(records.Single(r => r.Session.Id == id).Session).Precedes(k.Session))));
        }
    }

    [Fact]
    public void A_cap_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionEviction.Choose([Record(T0, "a")], 0));
    }

    private static SessionRecord Record(DateTimeOffset createdAt, string id) => new(
        new Session { Id = id, Kind = "k", UserId = "u", CreatedAt = createdAt, LastSeenAt = createdAt, ExpiresAt = createdAt.AddHours(1) },
        new byte[32]);
}
