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
}
