using AspNetSessions.Stores;

namespace AspNetSessions.Testing;

/// <summary>
/// One row of the expiry table: a stored session, one use of it, and what the session must look like afterwards.
/// Instants are offsets from the session's creation; <see langword="null"/> expiries mean "never".
/// </summary>
/// <param name="Name">What the row shows.</param>
/// <param name="LastSeen">The stored last-seen instant.</param>
/// <param name="Expires">The stored expiry (<see langword="null"/>: never).</param>
/// <param name="Absolute">The stored absolute expiry (<see langword="null"/>: none).</param>
/// <param name="Now">When the session is used.</param>
/// <param name="SlideTo">The idle expiry the use earns (<see langword="null"/>: the kind does not slide).</param>
/// <param name="Granularity">The write throttle.</param>
/// <param name="ExpectedLastSeen">The last-seen instant afterwards; <see langword="null"/> when the session must not be found.</param>
/// <param name="ExpectedExpires">The expiry afterwards (<see langword="null"/>: never).</param>
public sealed record SessionExpiryCase(
    string Name,
    TimeSpan LastSeen,
    TimeSpan? Expires,
    TimeSpan? Absolute,
    TimeSpan Now,
    TimeSpan? SlideTo,
    TimeSpan Granularity,
    TimeSpan? ExpectedLastSeen,
    TimeSpan? ExpectedExpires)
{
    /// <summary>Whether the use must find the session.</summary>
    public bool Found => ExpectedLastSeen is not null;

    /// <summary>The stored session of this row, created at <paramref name="createdAt"/>.</summary>
    /// <param name="createdAt">The creation instant all offsets count from.</param>
    /// <param name="kind">The session kind.</param>
    /// <param name="id">The session id.</param>
    /// <param name="userId">The user id.</param>
    public Session StoredSession(DateTimeOffset createdAt, string kind, string id, string userId) => new()
    {
        Id = id,
        Kind = kind,
        UserId = userId,
        CreatedAt = createdAt,
        LastSeenAt = createdAt + LastSeen,
        ExpiresAt = At(createdAt, Expires),
        AbsoluteExpiresAt = Absolute is { } absolute ? createdAt + absolute : null,
    };

    /// <summary>The lookup of this row's use.</summary>
    /// <param name="createdAt">The creation instant all offsets count from.</param>
    /// <param name="session">The stored session.</param>
    /// <param name="digest">The digest to present.</param>
    public SessionLookup Lookup(DateTimeOffset createdAt, Session session, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.Kind, session.Id, digest, createdAt + Now, SlideTo is { } slideTo ? createdAt + slideTo : null, Granularity);
    }

    /// <summary>The instant an offset stands for; <see langword="null"/> is <see cref="SessionExpiry.Never"/>.</summary>
    /// <param name="createdAt">The creation instant.</param>
    /// <param name="offset">The offset, or <see langword="null"/> for never.</param>
    public static DateTimeOffset At(DateTimeOffset createdAt, TimeSpan? offset) => offset is { } o ? createdAt + o : SessionExpiry.Never;

    /// <inheritdoc />
    public override string ToString() => Name;
}
