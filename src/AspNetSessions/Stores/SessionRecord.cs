using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AspNetSessions.Stores;

/// <summary>
/// What a store keeps for one session: the session itself, the digest of its token's secret, and for a short while
/// after a DBSC rotation the digest it replaced. The plaintext token never reaches a store.
/// </summary>
/// <param name="Session">The session.</param>
/// <param name="Digest">The digest of the token's secret (32 bytes), compared in constant time on lookup (<see cref="Match"/>).</param>
public sealed record SessionRecord(Session Session, byte[] Digest)
{
    /// <summary>
    /// The digest a grace rotation replaced and its grace end (<see cref="SessionPatch.PreviousDigestAcceptedUntil"/>);
    /// <see langword="null"/> for none. Every other rotation clears it, so the old token dies at once.
    /// </summary>
    public SessionPreviousDigest? PreviousDigest { get; init; }

    /// <summary>
    /// The acceptance rule of a presented digest, in one place: the current digest (<see cref="SessionDigestMatch.Current"/>),
    /// or the previous one while <paramref name="now"/> is before its grace end (<see cref="SessionDigestMatch.Previous"/>,
    /// which never slides the session). The memory and EF Core stores, the near-cache and the manager call it; the Redis
    /// script (<c>Match</c> in <c>RedisSessionScripts</c>) and the PostgreSQL lookup statement mirror it.
    /// </summary>
    /// <param name="presented">The digest of the presented secret.</param>
    /// <param name="now">The request's instant.</param>
    public SessionDigestMatch Match(ReadOnlySpan<byte> presented, DateTimeOffset now)
    {
        if (DigestsMatch(Digest, presented))
        {
            return SessionDigestMatch.Current;
        }

        return PreviousDigest is { } previous && now < previous.AcceptedUntil && DigestsMatch(previous.Digest, presented)
            ? SessionDigestMatch.Previous
            : SessionDigestMatch.None;
    }

    /// <summary>
    /// Until when a token that <see cref="Match"/> accepted authenticates: the current token until
    /// <see cref="Session.TokenExpiresAt"/>, the previous one until its grace end at the latest. The handler refuses a
    /// request from then on, and a live connection opened with the token is closed then.
    /// </summary>
    /// <param name="match">What the token's digest matched (not <see cref="SessionDigestMatch.None"/>).</param>
    internal DateTimeOffset TokenExpiresAt(SessionDigestMatch match) =>
        match == SessionDigestMatch.Previous ? SessionExpiry.Cap(Session.TokenExpiresAt, PreviousDigest!.AcceptedUntil) : Session.TokenExpiresAt;

    /// <summary>
    /// The order stores list sessions in: oldest first, ties broken by ordinal id (<see cref="SessionPosition"/>). A
    /// database store's kind-wide pages order ties within one instant by its own collation of the id instead, the same in
    /// its keyset condition and its ORDER BY, which is what paging needs.
    /// </summary>
    public static IComparer<SessionRecord> OldestFirst { get; } = Comparer<SessionRecord>.Create(static (x, y) =>
    {
        var byTime = x.Session.CreatedAt.CompareTo(y.Session.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(x.Session.Id, y.Session.Id);
    });

    /// <summary>Whether a presented digest matches a stored one, in constant time.</summary>
    /// <param name="stored">The stored digest.</param>
    /// <param name="presented">The digest of the presented secret.</param>
    /// <remarks>
    /// 32-byte digests (every digest this library makes) are compared as four 64-bit words XOR-ed and OR-ed together,
    /// with no branch on their content. <see cref="CryptographicOperations.FixedTimeEquals"/> (used for any other length)
    /// is compiled without optimizations on purpose and took 130 ns for 32 bytes, half of a memory-store lookup
    /// (MemoryStoreBenchmarks).
    /// </remarks>
    public static bool DigestsMatch(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> presented)
    {
        if (stored.Length != 32 || presented.Length != 32)
        {
            return CryptographicOperations.FixedTimeEquals(stored, presented);
        }

        var a = MemoryMarshal.Cast<byte, ulong>(stored);
        var b = MemoryMarshal.Cast<byte, ulong>(presented);
        return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
    }
}
