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
