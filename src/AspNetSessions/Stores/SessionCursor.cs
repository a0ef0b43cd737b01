using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions.Stores;

/// <summary>
/// The paging cursors stores issue (<see cref="SessionQuery.Cursor"/>, <see cref="SessionPage{T}.Next"/>): a
/// <see cref="SessionPosition"/> bound to the store, the kind and the query's filters, with a check value. A cursor that
/// was altered, or that another store, kind or query issued, is refused with <see cref="SessionCursorException"/>; the
/// limit may change from page to page. The check is not keyed: the session manager protects the cursors it hands out
/// with the app's Data Protection keys, which is what makes them tamper-proof and unreadable to clients.
/// </summary>
public static class SessionCursor
{
    private const byte Version = 1;
    private const int FingerprintBytes = 8;
    private const int CheckBytes = 8;
    private const int PositionEnd = 1 + FingerprintBytes + sizeof(long) + SessionIds.Length;
    private const int Bytes = PositionEnd + CheckBytes;

    /// <summary>
    /// Where the page of <paramref name="query"/> starts: <see langword="null"/> for the first page, else the position
    /// its cursor holds. Checks <see cref="SessionQuery.Limit"/> too, so a store calls this first.
    /// </summary>
    /// <param name="storeName">The store's <see cref="ISessionStore.Name"/>.</param>
    /// <param name="query">The query.</param>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not 1 to <see cref="SessionQuery.MaxLimit"/>.</exception>
    /// <exception cref="SessionCursorException">The cursor was not issued by this store for this query.</exception>
    public static SessionPosition? Read(string storeName, SessionQuery query)
    {
        ArgumentNullException.ThrowIfNull(storeName);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, SessionQuery.MaxLimit, nameof(query));
        if (query.Cursor is not { } cursor)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        if (cursor.Length != Base64Url.GetEncodedLength(Bytes)
            || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Bytes
            || bytes[0] != Version
            || !CryptographicOperations.FixedTimeEquals(bytes[PositionEnd..], Check(bytes[..PositionEnd])))
        {
            throw new SessionCursorException("The cursor is damaged or forged; start again without a cursor.");
        }

        Span<byte> fingerprint = stackalloc byte[FingerprintBytes];
        Fingerprint(storeName, query, fingerprint);
        if (!bytes.Slice(1, FingerprintBytes).SequenceEqual(fingerprint))
        {
            throw new SessionCursorException(
                $"The cursor was issued for another listing (another store, kind or filter) than this {storeName} listing of kind {query.Kind}; start again without a cursor.");
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(1 + FingerprintBytes, sizeof(long)));
        var id = Encoding.ASCII.GetString(bytes.Slice(1 + FingerprintBytes + sizeof(long), SessionIds.Length));
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !SessionIds.IsWellFormed(id))
        {
            throw new SessionCursorException("The cursor is damaged or forged; start again without a cursor.");
        }

        return new SessionPosition(new DateTimeOffset(ticks, TimeSpan.Zero), id);
    }

    /// <summary>The cursor of the page of <paramref name="query"/> that starts after <paramref name="position"/>.</summary>
    /// <param name="storeName">The store's <see cref="ISessionStore.Name"/>.</param>
    /// <param name="query">The query (its filters are bound into the cursor).</param>
    /// <param name="position">The last position the current page covered.</param>
    public static string Issue(string storeName, SessionQuery query, SessionPosition position)
    {
        ArgumentNullException.ThrowIfNull(storeName);
        ArgumentNullException.ThrowIfNull(query);
        if (!SessionIds.IsWellFormed(position.Id))
        {
            throw new ArgumentException("A cursor position needs a session id.", nameof(position));
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        bytes[0] = Version;
        Fingerprint(storeName, query, bytes.Slice(1, FingerprintBytes));
        BinaryPrimitives.WriteInt64BigEndian(bytes.Slice(1 + FingerprintBytes, sizeof(long)), position.CreatedAt.UtcTicks);
        Encoding.ASCII.GetBytes(position.Id, bytes.Slice(1 + FingerprintBytes + sizeof(long), SessionIds.Length));
        Check(bytes[..PositionEnd]).CopyTo(bytes[PositionEnd..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// A page cut from <paramref name="matching"/> (every session that matches the query, in any order): sorted into
    /// listing order, started after the query's cursor, at most <see cref="SessionQuery.Limit"/> long. For a store that
    /// reads a bounded set anyway, such as one user's sessions: it costs O(k log k) for k sessions.
    /// </summary>
    /// <param name="storeName">The store's <see cref="ISessionStore.Name"/>.</param>
    /// <param name="query">The query.</param>
    /// <param name="matching">The sessions that match the query.</param>
    public static SessionPage<SessionRecord> Page(string storeName, SessionQuery query, IEnumerable<SessionRecord> matching)
    {
        ArgumentNullException.ThrowIfNull(matching);
        var after = Read(storeName, query);
        var sorted = matching.Where(r => after is not { } p || p.Precedes(r.Session)).ToList();
        sorted.Sort(SessionRecord.OldestFirst);
        if (sorted.Count <= query.Limit)
        {
            return new SessionPage<SessionRecord>(sorted, Next: null);
        }

        var items = sorted.GetRange(0, query.Limit);
        return new SessionPage<SessionRecord>(items, Issue(storeName, query, SessionPosition.Of(items[^1].Session)));
    }

    private static byte[] Check(ReadOnlySpan<byte> position) => SHA256.HashData(position)[..CheckBytes];

    /// <summary>What binds a cursor to its listing: the store, the kind and every filter (not the instant, not the limit).</summary>
    private static void Fingerprint(string storeName, SessionQuery query, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? text)
        {
            // 0xFE marks null and 0xFF ends a field: neither byte occurs in UTF-8, so no two field lists hash alike.
            hash.AppendData(text is null ? [0xFE] : Encoding.UTF8.GetBytes(text));
            hash.AppendData([0xFF]);
        }

        Add(storeName);
        Add(query.Kind);
        Add(query.UserId);
        Add(((int)query.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(query.ExceptSessionId);
        foreach (var (key, value) in (query.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(key);
            Add(value);
        }

        hash.GetHashAndReset()[..FingerprintBytes].CopyTo(destination);
    }
}
