using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AspNetSessions.Stores;

/// <summary>
/// What a store keeps for one session: the session itself and the digest of its token's secret.
/// The plaintext token never reaches a store.
/// </summary>
/// <param name="Session">The session.</param>
/// <param name="Digest">The digest of the token's secret (32 bytes), compared in constant time on lookup.</param>
/// <remarks>
/// A 32-byte digest (every digest this library makes) is copied into the record, so changing the caller's buffer
/// afterwards does not change the record, <see cref="Digest"/> returns a new copy on each read, and two records are equal
/// when their sessions are equal and their digests hold the same bytes. A digest of any other length is kept as given
/// and compared as a <see cref="ReadOnlyMemory{T}"/> (same memory).
/// </remarks>
public sealed record SessionRecord(Session Session, ReadOnlyMemory<byte> Digest)
{
    // Layout (bytes per stored session, bench/results/perf-2026-12-02): the 32 bytes inline instead of a reference to
    // an array, and no field of its own for the rare other lengths: _session is then a DigestOfOtherLength.
    private object _session = Digest.Length == DigestWords.Length ? Session : new DigestOfOtherLength(Session, Digest);
    private DigestWords _digest = DigestWords.From(Digest.Span);

    /// <summary>The session.</summary>
    public Session Session
    {
        get => _session is DigestOfOtherLength other ? other.Session : Unsafe.As<Session>(_session);
        init => _session = _session is DigestOfOtherLength other ? new DigestOfOtherLength(value, other.Digest) : value;
    }

    /// <summary>The digest of the token's secret (32 bytes), compared in constant time on lookup.</summary>
    public ReadOnlyMemory<byte> Digest
    {
        get => _session is DigestOfOtherLength other ? other.Digest : _digest.ToArray();
        init
        {
            var session = Session;
            _session = value.Length == DigestWords.Length ? session : new DigestOfOtherLength(session, value);
            _digest = DigestWords.From(value.Span);
        }
    }

    /// <summary>The order every store lists sessions in: oldest first, ties broken by id so it is the same on every backend.</summary>
    public static IComparer<SessionRecord> OldestFirst { get; } = Comparer<SessionRecord>.Create(static (x, y) =>
    {
        var byTime = x.Session.CreatedAt.CompareTo(y.Session.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(x.Session.Id, y.Session.Id);
    });

    /// <summary>Whether a presented digest matches the stored one, in constant time.</summary>
    /// <param name="digest">The digest of the presented secret.</param>
    /// <remarks>
    /// Digests are 32 bytes: they are compared as four 64-bit words XOR-ed and OR-ed together, with no branch on
    /// their content. <see cref="CryptographicOperations.FixedTimeEquals"/> (used for any other length) is compiled
    /// without optimizations on purpose and took 130 ns for 32 bytes, half of a memory-store lookup (MemoryStoreBenchmarks).
    /// </remarks>
    public bool MatchesDigest(ReadOnlySpan<byte> digest) => _session is DigestOfOtherLength other
        ? CryptographicOperations.FixedTimeEquals(other.Digest.Span, digest)
        : digest.Length == DigestWords.Length && _digest.Matches(digest);

    /// <summary>
    /// Whether the record's digest is memory inside <paramref name="buffer"/>: never for a 32-byte digest (copied in),
    /// possibly for another length (kept as given). Reads no <see cref="Digest"/>, so it allocates nothing.
    /// </summary>
    internal bool DigestOverlaps(ReadOnlySpan<byte> buffer) => _session is DigestOfOtherLength other && other.Digest.Span.Overlaps(buffer);

    /// <summary>A session whose digest is not 32 bytes long, with that digest.</summary>
    private sealed record DigestOfOtherLength(Session Session, ReadOnlyMemory<byte> Digest);

    /// <summary>A 32-byte digest as four 64-bit words (all zero for any other length, which is kept elsewhere).</summary>
    private readonly record struct DigestWords(ulong W0, ulong W1, ulong W2, ulong W3)
    {
        public const int Length = 4 * sizeof(ulong);

        public static DigestWords From(ReadOnlySpan<byte> bytes) => bytes.Length == Length
            ? new(Word(bytes, 0), Word(bytes, 8), Word(bytes, 16), Word(bytes, 24))
            : default;

        public bool Matches(ReadOnlySpan<byte> bytes) =>
            ((W0 ^ Word(bytes, 0)) | (W1 ^ Word(bytes, 8)) | (W2 ^ Word(bytes, 16)) | (W3 ^ Word(bytes, 24))) == 0;

        public byte[] ToArray()
        {
            var bytes = new byte[Length];
            MemoryMarshal.Write(bytes.AsSpan(0), W0);
            MemoryMarshal.Write(bytes.AsSpan(8), W1);
            MemoryMarshal.Write(bytes.AsSpan(16), W2);
            MemoryMarshal.Write(bytes.AsSpan(24), W3);
            return bytes;
        }

        private static ulong Word(ReadOnlySpan<byte> bytes, int offset) => MemoryMarshal.Read<ulong>(bytes.Slice(offset, sizeof(ulong)));
    }
}
