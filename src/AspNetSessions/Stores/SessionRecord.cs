using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AspNetSessions.Stores;

/// <summary>
/// What a store keeps for one session: the session itself and the digest of its token's secret.
/// The plaintext token never reaches a store.
/// </summary>
/// <param name="Session">The session.</param>
/// <param name="Digest">The digest of the token's secret (32 bytes), compared in constant time on lookup (<see cref="DigestsMatch"/>).</param>
public sealed record SessionRecord(Session Session, byte[] Digest)
{
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
