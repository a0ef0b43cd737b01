namespace AspNetSessions.Stores;

/// <summary>
/// The digest a grace rotation replaced (<see cref="SessionPatch.PreviousDigestAcceptedUntil"/>: a DBSC registration or
/// refresh), still accepted until <paramref name="AcceptedUntil"/> so that requests already in flight with the previous
/// token are not refused. <see cref="SessionRecord.Match"/> is the rule.
/// </summary>
/// <param name="Digest">The previous token's digest.</param>
/// <param name="AcceptedUntil">The grace end: from this instant on the previous digest authenticates nothing.</param>
public sealed record SessionPreviousDigest(byte[] Digest, DateTimeOffset AcceptedUntil);
