namespace AspNetSessions.Stores;

/// <summary>
/// One authenticated request's question to the store: find this session, check its digest, and touch it.
/// </summary>
/// <param name="Kind">The session kind.</param>
/// <param name="Id">The session id taken from the token.</param>
/// <param name="Digest">The digest of the presented secret; the session is returned only if it matches in constant time.</param>
/// <param name="Now">The request's instant: a session whose expiry is not after it is not found.</param>
/// <param name="SlideTo">
/// The idle expiry the request earns (now + idle timeout), or <see langword="null"/> when the kind does not slide.
/// The store applies it as <see cref="SessionExpiry.Touch(Session, in SessionLookup)"/> does: capped at the session's absolute expiry, never moving expiry backwards.
/// </param>
/// <param name="SlidingGranularity">
/// Write throttle: the store writes <c>LastSeenAt = Now</c> and the slid expiry only when at least this much time
/// has passed since <c>LastSeenAt</c>; otherwise the lookup is a pure read.
/// </param>
public readonly record struct SessionLookup(
    string Kind,
    string Id,
    byte[] Digest,
    DateTimeOffset Now,
    DateTimeOffset? SlideTo,
    TimeSpan SlidingGranularity);
