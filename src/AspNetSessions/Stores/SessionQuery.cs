namespace AspNetSessions.Stores;

/// <summary>
/// Selects sessions of one kind. Every field left <see langword="null"/> is a wildcard;
/// the fields that are set must all match.
/// </summary>
public sealed record SessionQuery
{
    /// <summary>The session kind to search in.</summary>
    public required string Kind { get; init; }

    /// <summary>The instant that decides which sessions count as valid or expired.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Only sessions of this user. Stores answer user-scoped queries from a per-user index.</summary>
    public string? UserId { get; init; }

    /// <summary>Which sessions to match by expiry; <see cref="SessionStatus.Valid"/> by default.</summary>
    public SessionStatus Status { get; init; }

    /// <summary>Metadata fields that must all be present with exactly these values (ordinal comparison).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A session id to leave out of the result (e.g. the caller's own session in "revoke all others").</summary>
    public string? ExceptSessionId { get; init; }

    /// <summary>The most sessions <see cref="ISessionStore.QueryAsync"/> may return in one page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// How many sessions one page of <see cref="ISessionStore.QueryAsync"/> holds at most: 1 to <see cref="MaxLimit"/>,
    /// 100 unless set. <see cref="ISessionStore.CountAsync"/> and <see cref="ISessionStore.DeleteManyAsync"/> ignore it.
    /// </summary>
    public int Limit { get; init; } = 100;

    /// <summary>
    /// Where a page starts: <see langword="null"/> for the first page, else the <see cref="SessionPage{T}.Next"/> of the
    /// previous page of the same query from the same store (<see cref="SessionCursor"/>). Only the query's own filters
    /// decide what matches; the cursor is a position, never a filter.
    /// </summary>
    public string? Cursor { get; init; }

    /// <summary>Whether <paramref name="session"/> matches every field of this query (kind, status at <see cref="Now"/>, user, metadata, exclusion).</summary>
    /// <param name="session">A stored session.</param>
    public bool Matches(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!string.Equals(session.Kind, Kind, StringComparison.Ordinal))
        {
            return false;
        }

        var valid = session.IsValidAt(Now);
        if ((Status == SessionStatus.Valid && !valid) || (Status == SessionStatus.Expired && valid))
        {
            return false;
        }

        if (UserId is not null && !string.Equals(session.UserId, UserId, StringComparison.Ordinal))
        {
            return false;
        }

        if (ExceptSessionId is not null && string.Equals(session.Id, ExceptSessionId, StringComparison.Ordinal))
        {
            return false;
        }

        if (Metadata is { Count: > 0 } wanted)
        {
            foreach (var (key, value) in wanted)
            {
                if (!session.Metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
