namespace AspNetSessions;

/// <summary>What became of a presented token: malformed (rejected without I/O), not found, or its session.</summary>
internal readonly record struct SessionAuthenticationOutcome(Session? Session, bool IsMalformed = false)
{
    public static SessionAuthenticationOutcome Malformed => new(null, IsMalformed: true);

    public static SessionAuthenticationOutcome NotFound => default;
}
