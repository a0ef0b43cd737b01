namespace AspNetSessions.Stores;

/// <summary>
/// A place in listing order: created-at, then id (ordinal). A cursor holds the position of the last session a page
/// covered; the next page starts strictly after it, so a session created or deleted meanwhile never shifts the pages.
/// </summary>
/// <param name="CreatedAt">The created-at instant of the session at this position.</param>
/// <param name="Id">The id of the session at this position.</param>
public readonly record struct SessionPosition(DateTimeOffset CreatedAt, string Id)
{
    /// <summary>The position of <paramref name="session"/>.</summary>
    /// <param name="session">A session.</param>
    public static SessionPosition Of(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.CreatedAt, session.Id);
    }

    /// <summary>Whether <paramref name="session"/> comes after this position in listing order.</summary>
    /// <param name="session">A session.</param>
    public bool Precedes(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var byTime = session.CreatedAt.UtcTicks.CompareTo(CreatedAt.UtcTicks);
        return byTime > 0 || (byTime == 0 && string.CompareOrdinal(session.Id, Id) > 0);
    }
}
