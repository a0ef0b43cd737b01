namespace AspNetSessions.Testing;

/// <summary>
/// The expiry table: every case of <c>SessionExpiry.Touch</c> (idle slide, absolute cap, write throttle, never moving
/// expiry backwards, expiry boundaries). The core's unit tests run it against the rule itself and
/// <see cref="SessionExpiryContract"/> runs it through a store's <c>FindAndSlideAsync</c>, so a store that mirrors the
/// rule in another language (Lua, SQL) is held to exactly the same answers.
/// </summary>
public static class SessionExpiryCases
{
    private static readonly TimeSpan M = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    /// <summary>Every case.</summary>
    public static IReadOnlyList<SessionExpiryCase> All { get; } =
    [
        new("a due write slides to now + idle", LastSeen: 0 * M, Expires: 30 * M, Absolute: null, Now: 10 * M, SlideTo: 40 * M, Granularity: M, ExpectedLastSeen: 10 * M, ExpectedExpires: 40 * M),
        new("within the granularity nothing is written", 0 * M, 30 * M, null, TimeSpan.FromSeconds(30), 30 * M + TimeSpan.FromSeconds(30), M, 0 * M, 30 * M),
        new("exactly one granularity after the last write writes", 0 * M, 30 * M, null, M, 31 * M, M, M, 31 * M),
        new("the slide is capped by the absolute expiry", 0 * M, 30 * M, 35 * M, 10 * M, 40 * M, M, 10 * M, 35 * M),
        new("expiry never moves backwards", 0 * M, 50 * M, null, 10 * M, 40 * M, M, 10 * M, 50 * M),
        new("without an idle timeout a use records last-seen only", 0 * M, 7 * 24 * 60 * M, 7 * 24 * 60 * M, 10 * M, null, M, 10 * M, 7 * 24 * 60 * M),
        new("a never-expiring session stays so", 0 * M, null, null, 10 * M, null, M, 10 * M, null),
        new("a zero granularity writes on every use", 5 * M, 30 * M, null, 5 * M, 35 * M, TimeSpan.Zero, 5 * M, 35 * M),
        new("one millisecond before expiry the session is found and slides", 0 * M, 30 * M, null, 30 * M - Ms, 60 * M - Ms, M, 30 * M - Ms, 60 * M - Ms),
        new("at its expiry the session is not found", 0 * M, 30 * M, null, 30 * M, 60 * M, M, null, null),
        new("at its absolute expiry the session is not found", 0 * M, 35 * M, 35 * M, 35 * M, 65 * M, M, null, null),
        new("a slide target before the absolute expiry is kept exactly", 0 * M, 30 * M, 90 * M, 20 * M, 50 * M, M, 20 * M, 50 * M),
    ];

    /// <summary>The case names, as xunit theory data (<c>[MemberData(nameof(SessionExpiryCases.Names), MemberType = typeof(SessionExpiryCases))]</c>).</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var row in All)
            {
                names.Add(row.Name);
            }

            return names;
        }
    }

    /// <summary>The case of that name.</summary>
    /// <param name="name">A case name from <see cref="Names"/>.</param>
    public static SessionExpiryCase Get(string name) => All.Single(c => c.Name == name);
}
