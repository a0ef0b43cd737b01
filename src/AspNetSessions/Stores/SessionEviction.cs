namespace AspNetSessions.Stores;

/// <summary>
/// The cap decision of <c>MaxSessionsPerUser</c>, in one place: when a user creates a session, their other valid
/// sessions of the kind beyond <c>cap - 1</c> are evicted, oldest first (<see cref="SessionRecord.OldestFirst"/>:
/// creation time, ties by ordinal id). The new session always survives. An in-process store calls this inside its
/// atomic step; a store that decides elsewhere (a Lua script) mirrors it and is held to the same cases by the contract suite.
/// </summary>
public static class SessionEviction
{
    /// <summary>The ids to evict so that, with the new session, at most <paramref name="maxSessionsPerUser"/> remain.</summary>
    /// <param name="others">The user's other valid sessions of the kind (not the new one), in any order.</param>
    /// <param name="maxSessionsPerUser">The cap, at least 1.</param>
    public static IReadOnlyList<string> Choose(IReadOnlyList<SessionRecord> others, int maxSessionsPerUser)
    {
        ArgumentNullException.ThrowIfNull(others);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessionsPerUser, 1);
        var excess = others.Count - (maxSessionsPerUser - 1);
        if (excess <= 0)
        {
            return [];
        }

        var sorted = others.ToArray();
        Array.Sort(sorted, SessionRecord.OldestFirst);
        var ids = new string[excess];
        for (var i = 0; i < excess; i++)
        {
            ids[i] = sorted[i].Session.Id;
        }

        return ids;
    }
}
