namespace AspNetSessions.Stores;

/// <summary>
/// A partial change to a stored session. Fields left <see langword="null"/> are not touched, so changes that
/// concern different fields (a slide, a rotation, an update of the metadata) never overwrite each other.
/// </summary>
public sealed record SessionPatch
{
    /// <summary>
    /// A new digest: rotates the token. The old one stops working at once, unless <see cref="PreviousDigestAcceptedUntil"/>
    /// gives it a grace period; either way a digest kept from an earlier rotation is dropped.
    /// </summary>
    public byte[]? Digest { get; init; }

    /// <summary>
    /// With <see cref="Digest"/>: the replaced digest stays accepted until this instant (<see cref="SessionRecord.PreviousDigest"/>),
    /// for requests already in flight with the old token. Only DBSC registration and refresh set it; without it (every
    /// other rotation: sign-in, a privilege change) the old token dies at once. Ignored without a new digest.
    /// </summary>
    public DateTimeOffset? PreviousDigestAcceptedUntil { get; init; }

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

    // Sign-in state (issue #14, step-up).

    /// <summary>A new authentication instant (a re-authentication that keeps the session and its token).</summary>
    public DateTimeOffset? AuthenticatedAt { get; init; }

    /// <summary>New authentication properties items, replacing the old ones.</summary>
    public IReadOnlyDictionary<string, string>? AuthenticationItems { get; init; }

    // Device-bound sessions (issue #26, DBSC).

    /// <summary>A device key to bind the session to (registration); <see langword="null"/> leaves the binding as it is.</summary>
    public SessionDeviceKey? DeviceKey { get; init; }

    /// <summary>A new outstanding challenge, or the empty string to clear it; <see langword="null"/> leaves it as it is.</summary>
    public string? DeviceChallenge { get; init; }

    /// <summary>
    /// A precondition: when set, the patch applies only if the stored <see cref="Session.DeviceChallenge"/> is exactly this
    /// value (the empty string: no challenge), checked atomically with the write (like the stores' compare-and-swap); otherwise the store changes nothing
    /// and returns <see langword="null"/>, as for a missing session. Of concurrent patches expecting the same challenge
    /// that each replace it, exactly one applies: that is how a challenge is consumed exactly once (<see cref="Holds"/>).
    /// </summary>
    public string? IfDeviceChallenge { get; init; }

    /// <summary>
    /// Whether the patch's precondition holds for the stored session (always, without <see cref="IfDeviceChallenge"/>).
    /// Stores check it in the same atomic step as the write; the Redis script mirrors it.
    /// </summary>
    /// <param name="session">The stored session.</param>
    public bool Holds(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return IfDeviceChallenge is null || string.Equals(session.DeviceChallenge ?? "", IfDeviceChallenge, StringComparison.Ordinal);
    }

    /// <summary>
    /// The record with this patch applied: set fields replace the stored ones, a new expiry is capped by the
    /// session's absolute expiry (<see cref="SessionExpiry.Cap"/>), a new digest keeps the replaced one only as
    /// <see cref="PreviousDigestAcceptedUntil"/> says. Stores that apply patches elsewhere (Lua, SQL) mirror this.
    /// </summary>
    /// <param name="record">The stored record.</param>
    public SessionRecord ApplyTo(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = record.Session;
        session = session with
        {
            ExpiresAt = ExpiresAt is { } expiresAt ? SessionExpiry.Cap(expiresAt, session.AbsoluteExpiresAt) : session.ExpiresAt,
            LastSeenAt = LastSeenAt ?? session.LastSeenAt,
            Claims = Claims ?? session.Claims,
            Data = Data ?? session.Data,
            Metadata = Metadata ?? session.Metadata,
            AuthenticatedAt = AuthenticatedAt ?? session.AuthenticatedAt,
            AuthenticationItems = AuthenticationItems ?? session.AuthenticationItems,
            DeviceKey = DeviceKey ?? session.DeviceKey,
            DeviceChallenge = DeviceChallenge is null ? session.DeviceChallenge : DeviceChallenge.Length == 0 ? null : DeviceChallenge,
        };
        if (Digest is not { } digest)
        {
            return record with { Session = session };
        }

        return new SessionRecord(session, digest)
        {
            PreviousDigest = PreviousDigestAcceptedUntil is { } until ? new SessionPreviousDigest(record.Digest, until) : null,
        };
    }
}
