namespace AspNetSessions;

/// <summary>
/// What became of a presented token: malformed (rejected without I/O), not found, or its session, and whether this
/// lookup wrote the session's slide (its <c>LastSeenAt</c> is the lookup's instant, to the millisecond stores keep).
/// </summary>
internal readonly record struct SessionAuthenticationOutcome(Session? Session, bool IsMalformed = false, bool Slid = false)
{
    public static SessionAuthenticationOutcome Malformed => new(null, IsMalformed: true);

    public static SessionAuthenticationOutcome NotFound => default;
}
