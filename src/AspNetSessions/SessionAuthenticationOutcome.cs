namespace AspNetSessions;

/// <summary>
/// What became of a presented token: malformed (rejected without I/O), not found, or its session, and whether this
/// lookup wrote the session's slide (its <c>LastSeenAt</c> is the lookup's instant, to the millisecond stores keep), and
/// the stored digest the token matched (a live connection keeps it to notice a rotation), and until when the token
/// authenticates (<see cref="Stores.SessionRecord.TokenExpiresAt"/>: a DBSC credential's expiry, or the previous
/// token's grace end).
/// </summary>
internal readonly record struct SessionAuthenticationOutcome(Session? Session, bool IsMalformed = false, bool Slid = false, byte[]? Digest = null, DateTimeOffset TokenExpiresAt = default)
{
    public static SessionAuthenticationOutcome Malformed => new(null, IsMalformed: true);

    public static SessionAuthenticationOutcome NotFound => default;
}
