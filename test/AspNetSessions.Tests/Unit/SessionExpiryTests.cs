using AspNetSessions.Stores;
using AspNetSessions.Testing;

namespace AspNetSessions.Tests.Unit;

/// <summary>The expiry table against the rule itself (no store, no I/O).</summary>
public sealed class SessionExpiryTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(SessionExpiryCases.Names), MemberType = typeof(SessionExpiryCases))]
    public void Touch_gives_the_tables_answer(string name)
    {
        var row = SessionExpiryCases.Get(name);
        var session = row.StoredSession(CreatedAt, "k", SessionIds.New("alice"), "alice");
        var lookup = row.Lookup(CreatedAt, session, new byte[32]);

        if (!row.Found)
        {
            Assert.False(session.IsValidAt(lookup.Now)); // stores never touch what is no longer valid
            return;
        }

        Assert.True(session.IsValidAt(lookup.Now));
        var touched = SessionExpiry.Touch(session, lookup);
        Assert.Equal(CreatedAt + row.ExpectedLastSeen!.Value, touched.LastSeenAt);
        Assert.Equal(SessionExpiryCase.At(CreatedAt, row.ExpectedExpires), touched.ExpiresAt);
        Assert.Equal(ReferenceEquals(touched, session), !SessionExpiry.IsWriteDue(session.LastSeenAt, lookup.Now, lookup.SlidingGranularity));
    }

    [Fact]
    public void After_use_is_idle_expiry_capped_by_the_absolute_one_or_never()
    {
        var now = CreatedAt.AddHours(1);
        Assert.Equal(now.AddMinutes(30), SessionExpiry.AfterUse(now, TimeSpan.FromMinutes(30), absoluteExpiresAt: null));
        Assert.Equal(now.AddMinutes(10), SessionExpiry.AfterUse(now, TimeSpan.FromMinutes(30), now.AddMinutes(10)));
        Assert.Equal(now.AddDays(7), SessionExpiry.AfterUse(now, idleTimeout: null, now.AddDays(7)));
        Assert.Equal(SessionExpiry.Never, SessionExpiry.AfterUse(now, idleTimeout: null, absoluteExpiresAt: null));
    }

    [Fact]
    public void The_table_covers_every_branch_of_the_rule()
    {
        var rows = SessionExpiryCases.All;
        Assert.Contains(rows, r => r.Found && r.ExpectedLastSeen == r.LastSeen);                         // throttled
        Assert.Contains(rows, r => r.Found && r.Absolute is { } a && r.ExpectedExpires == a);          // capped
        Assert.Contains(rows, r => r.Found && r.SlideTo is { } s && r.ExpectedExpires > s);            // never backwards
        Assert.Contains(rows, r => r.Found && r.SlideTo is null && r.ExpectedLastSeen == r.Now);       // no idle timeout
        Assert.Contains(rows, r => !r.Found);                                                          // expiry boundary
        Assert.Equal(rows.Count, rows.Select(r => r.Name).Distinct().Count());
    }
}
