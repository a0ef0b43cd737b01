namespace AspNetSessions.Stores;

/// <summary>
/// The expiry rule, in one place: a session's expiry is its idle expiry (last use + idle timeout) capped by its
/// absolute expiry; a use writes only when the sliding granularity has passed since the last write; and expiry never
/// moves backwards. The manager uses it to compute what it asks for; an in-process store applies it as written; a
/// store that must run it atomically elsewhere (a Lua script, a SQL statement) mirrors these methods step by step and
/// is held to the same table of cases by <c>AspNetSessions.Testing.SessionExpiryContract</c>.
/// </summary>
public static class SessionExpiry
{
    /// <summary>The stored form of "never expires" (<see cref="DateTimeOffset.MaxValue"/>).</summary>
    public static readonly DateTimeOffset Never = DateTimeOffset.MaxValue;

    /// <summary>
    /// The expiry a session earns by being used at <paramref name="now"/>: now + <paramref name="idleTimeout"/>, or
    /// <see cref="Never"/> without an idle timeout; in both cases capped by <paramref name="absoluteExpiresAt"/>.
    /// </summary>
    /// <param name="now">The instant of use.</param>
    /// <param name="idleTimeout">The kind's idle timeout, or <see langword="null"/> when it does not slide.</param>
    /// <param name="absoluteExpiresAt">The session's absolute expiry, or <see langword="null"/>.</param>
    public static DateTimeOffset AfterUse(DateTimeOffset now, TimeSpan? idleTimeout, DateTimeOffset? absoluteExpiresAt) =>
        Cap(idleTimeout is { } idle ? now + idle : Never, absoluteExpiresAt);

    /// <summary>An expiry limited to the absolute expiry, when there is one.</summary>
    /// <param name="expiresAt">The wanted expiry.</param>
    /// <param name="absoluteExpiresAt">The session's absolute expiry, or <see langword="null"/>.</param>
    public static DateTimeOffset Cap(DateTimeOffset expiresAt, DateTimeOffset? absoluteExpiresAt) =>
        absoluteExpiresAt is { } absolute && absolute < expiresAt ? absolute : expiresAt;

    /// <summary>Whether a use at <paramref name="now"/> writes (the write throttle): at least the granularity has passed since the last write.</summary>
    /// <param name="lastSeenAt">The session's last-seen instant (its last write).</param>
    /// <param name="now">The instant of use.</param>
    /// <param name="slidingGranularity">The write throttle.</param>
    public static bool IsWriteDue(DateTimeOffset lastSeenAt, DateTimeOffset now, TimeSpan slidingGranularity) =>
        now - lastSeenAt >= slidingGranularity;

    /// <summary>
    /// The expiry after a slide: <paramref name="slideTo"/> capped by the absolute expiry, but never earlier than the
    /// current expiry (a concurrent, later slide is never undone). Without <paramref name="slideTo"/> it is unchanged.
    /// </summary>
    /// <param name="expiresAt">The session's current expiry.</param>
    /// <param name="slideTo">The idle expiry the use earns, or <see langword="null"/> when the kind does not slide.</param>
    /// <param name="absoluteExpiresAt">The session's absolute expiry, or <see langword="null"/>.</param>
    public static DateTimeOffset Slide(DateTimeOffset expiresAt, DateTimeOffset? slideTo, DateTimeOffset? absoluteExpiresAt)
    {
        if (slideTo is not { } target)
        {
            return expiresAt;
        }

        var capped = Cap(target, absoluteExpiresAt);
        return capped > expiresAt ? capped : expiresAt;
    }

    /// <summary>
    /// A lookup's touch of a valid session: when the write is due, <c>LastSeenAt = now</c> and the slid expiry; otherwise
    /// the very same instance (a pure read, nothing to write).
    /// </summary>
    /// <param name="session">The stored session (valid at <c>lookup.Now</c>).</param>
    /// <param name="lookup">The request's lookup.</param>
    public static Session Touch(Session session, in SessionLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!IsWriteDue(session.LastSeenAt, lookup.Now, lookup.SlidingGranularity))
        {
            return session;
        }

        return session with
        {
            LastSeenAt = lookup.Now,
            ExpiresAt = Slide(session.ExpiresAt, lookup.SlideTo, session.AbsoluteExpiresAt),
        };
    }
}
