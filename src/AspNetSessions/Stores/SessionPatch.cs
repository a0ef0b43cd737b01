namespace AspNetSessions.Stores;

/// <summary>
/// A partial change to a stored session. Fields left <see langword="null"/> are not touched, so changes that
/// concern different fields (a slide, a rotation, an update of the metadata) never overwrite each other.
/// </summary>
public sealed record SessionPatch
{
    /// <summary>A new digest: rotates the token, the old one stops working at once.</summary>
    public ReadOnlyMemory<byte>? Digest { get; init; }

    /// <summary>A new expiry (never beyond the session's absolute expiry; stores cap it).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>A new last-seen instant.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>New claims, replacing the old ones.</summary>
    public IReadOnlyList<SessionClaim>? Claims { get; init; }

    /// <summary>New application data, replacing the old data.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>New metadata, replacing the old metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
