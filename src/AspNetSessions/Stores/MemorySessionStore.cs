using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Stores;

/// <summary>
/// The embedded default backend: thread-safe, O(1) lookup by id, O(k) for a user's k sessions whatever the total,
/// expired entries never returned and swept in the background.
/// </summary>
/// <remarks>
/// Layout (bytes per stored session count, see bench/results): one table per kind, keyed by the session's own id string
/// (no tuple key, no second copy of the id), each session kept as a compact <see cref="Entry"/>. Entries are immutable
/// and each table's value is swapped with the dictionary's own compare-and-exchange (<c>TryUpdate</c>), so concurrent
/// touches, patches and rotations never overwrite each other's fields. Each user's index starts as an immutable
/// array of ids, replaced by compare-and-exchange too: for the few sessions a user holds it is a fraction of a hash
/// set's size, and an emptied index is removed only if it is still the empty one, so a concurrent add never loses an id.
/// Beyond <see cref="UserIds.ArrayLimit"/> ids it becomes a locked hash set (<see cref="UserIds"/>), so adding or
/// removing one of a user's sessions costs O(1) however many they hold, never a copy of the whole list (issue #22:
/// revoke-all of 65 536 sessions took 15.7 s while every removal copied the array).
/// </remarks>
internal sealed partial class MemorySessionStore : ISessionStore, IDisposable
{
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, KindTable> _kinds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<MemorySessionStore> _logger;
    private readonly TimeSpan _sweepInterval;
    private readonly ITimer _sweeper;

    // MaxSessionsPerUser: capped creations of one user serialize on one of these stripes (by kind and user), so the
    // count-then-evict step is atomic against every other capped creation; nothing else adds sessions to a capped kind.
    // A user's listing and count read under the same stripe, so they never see a capped creation half done.
    private readonly object[] _capLocks = [.. Enumerable.Range(0, 64).Select(_ => new object())];

    public MemorySessionStore(TimeProvider time, ILogger<MemorySessionStore> logger, TimeSpan? sweepInterval = null)
    {
        _time = time;
        _logger = logger;
        _sweepInterval = sweepInterval ?? DefaultSweepInterval;
        _sweeper = time.CreateTimer(static state => ((MemorySessionStore)state!).Sweep(), this, _sweepInterval, _sweepInterval);
    }

    public string Name => "Memory";

    /// <summary>How many records are held, valid or expired (for tests and benchmarks).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var (_, table) in _kinds)
            {
                count += table.Sessions.Count;
            }

            return count;
        }
    }

    public ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        var session = record.Session;
        if (maxSessionsPerUser <= 0)
        {
            Add(record, now);
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }

        lock (CapLock(session.Kind, session.UserId))
        {
            var table = Table(session.Kind);
            if (table.Sessions.ContainsKey(session.Id))
            {
                throw Exists(session); // before evicting: a refused create changes nothing
            }

            // Under the cap even counting expired ones (not swept yet): nothing to read or evict, O(1).
            IReadOnlyList<string> evicted = [];
            if (UserIds.Count(table.Users, session.UserId) >= maxSessionsPerUser)
            {
                var others = Find(new SessionQuery { Kind = session.Kind, UserId = session.UserId, Now = now, ExceptSessionId = session.Id });
                evicted = SessionEviction.Choose(others, maxSessionsPerUser);
            }

            // Evict, then add: a concurrent count never sees more than the cap.
            foreach (var id in evicted)
            {
                Remove(session.Kind, id);
            }

            Add(record, now);
            return ValueTask.FromResult(evicted);
        }
    }

    public ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_kinds.TryGetValue(kind, out var table) && table.Sessions.TryGetValue(id, out var entry) && entry.IsValidAt(now)
            ? entry.ToRecord(kind, id)
            : null);
    }

    public ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        if (!_kinds.TryGetValue(lookup.Kind, out var table))
        {
            return default;
        }

        var sessions = table.Sessions;
        while (sessions.TryGetValue(lookup.Id, out var current))
        {
            if (!current.IsValidAt(lookup.Now))
            {
                return default;
            }

            var record = current.Read(table.Kind, lookup.Id);
            var match = record.Match(lookup.Digest, lookup.Now);
            if (match == SessionDigestMatch.None)
            {
                return default;
            }

            // The previous token in its grace period authenticates without touching (SessionDigestMatch.Previous).
            var session = match == SessionDigestMatch.Current ? SessionExpiry.Touch(record.Session, lookup) : record.Session;
            if (ReferenceEquals(session, record.Session))
            {
                return ValueTask.FromResult<SessionRecord?>(record);
            }

            var touched = record with { Session = session };
            if (sessions.TryUpdate(lookup.Id, new Entry(touched, keepRecord: true), current))
            {
                return ValueTask.FromResult<SessionRecord?>(touched);
            }
        }

        return default;
    }

    public ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_kinds.TryGetValue(kind, out var table))
        {
            return default;
        }

        while (table.Sessions.TryGetValue(id, out var current))
        {
            if (!current.IsValidAt(now))
            {
                return default;
            }

            var stored = current.ToRecord(kind, id);
            if (!patch.Holds(stored.Session))
            {
                return default; // the precondition fails in the same compare-and-exchange as the write would
            }

            var patched = patch.ApplyTo(stored);
            var entry = new Entry(patched);
            if (table.Sessions.TryUpdate(id, entry, current))
            {
                if (entry.ExpiresAtTicks < current.ExpiresAtTicks)
                {
                    table.Expiring.Add(id, entry.ExpiresAtTicks, now.UtcTicks); // filed later than it now expires
                }

                return ValueTask.FromResult<SessionRecord?>(patched);
            }
        }

        return default;
    }

    public ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Remove(kind, id));
    }

    /// <summary>
    /// A user's page: their index, sorted (O(k log k) for k sessions). A kind-wide page: the kind's ordered index from the
    /// cursor on, O(log n) to start, examining at most <see cref="PageBudget"/> entries whatever the filters.
    /// </summary>
    public ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (query.UserId is not null)
        {
            return ValueTask.FromResult(SessionCursor.Page(Name, query, Find(query)));
        }

        var after = SessionCursor.Read(Name, query);
        if (!_kinds.TryGetValue(query.Kind, out var table))
        {
            return ValueTask.FromResult(new SessionPage<SessionRecord>([], Next: null));
        }

        var (positions, more) = table.Ordered.After(after, PageBudget(query.Limit));
        var items = new List<SessionRecord>();
        SessionPosition? last = null;
        var examined = 0;
        for (; examined < positions.Count && items.Count < query.Limit; examined++)
        {
            var position = positions[examined];
            last = new SessionPosition(new DateTimeOffset(position.CreatedAtTicks, TimeSpan.Zero), position.Id);
            if (table.Sessions.TryGetValue(position.Id, out var entry) && entry.ToRecord(table.Kind, position.Id) is var record && query.Matches(record.Session))
            {
                items.Add(record);
            }
        }

        more |= examined < positions.Count;
        return ValueTask.FromResult(new SessionPage<SessionRecord>(items, more && last is { } at ? SessionCursor.Issue(Name, query, at) : null));
    }

    /// <summary>The most index entries one kind-wide page examines: a page of a narrow filter may end early, its cost stays bounded.</summary>
    internal static int PageBudget(int limit) => Math.Max(4 * limit, 100);

    public ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<long>(Find(query).Count);
    }

    public ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long deleted = 0;
        foreach (var record in Find(query))
        {
            if (Remove(query.Kind, record.Session.Id))
            {
                deleted++;
            }
        }

        return ValueTask.FromResult(deleted);
    }

    public ValueTask PingAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Dispose() => _sweeper.Dispose();

    /// <summary>
    /// Removes every expired record; runs on the sweep timer. It visits the sessions filed as due
    /// (<see cref="MemoryExpirySchedule"/>), not all of them: those that slid since are filed again.
    /// </summary>
    internal int Sweep()
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        foreach (var (_, table) in _kinds)
        {
            foreach (var ids in table.Expiring.TakeDue(now.UtcTicks))
            {
                foreach (var id in ids)
                {
                    while (table.Sessions.TryGetValue(id, out var entry))
                    {
                        if (entry.IsValidAt(now))
                        {
                            table.Expiring.Add(id, entry.ExpiresAtTicks, now.UtcTicks);
                            break;
                        }

                        // Only the expired record seen here: one that replaced it meanwhile (e.g. by a slide) is looked at again.
                        if (table.Sessions.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                        {
                            Unindex(table, id, entry);
                            removed++;
                            break;
                        }
                    }
                }
            }
        }

        if (removed > 0)
        {
            Log.Swept(_logger, removed);
        }

        return removed;
    }

    /// <summary>The stripe that a user's capped creations, listings and counts of a kind take (see <see cref="_capLocks"/>).</summary>
    private object CapLock(string kind, string userId) => _capLocks[(int)((uint)HashCode.Combine(kind, userId) % (uint)_capLocks.Length)];

    private KindTable Table(string kind) => _kinds.GetOrAdd(kind, static (kind, interval) => new KindTable(kind, interval), _sweepInterval);

    private void Add(SessionRecord record, DateTimeOffset now)
    {
        var session = record.Session;
        var table = Table(session.Kind);
        // Indexes first: a record is never reachable by id while missing from its user's index or the listing order.
        AddToIndex(table, session.UserId, session.Id);
        var position = new MemoryListingOrder.Position(session.CreatedAt.UtcTicks, session.Id);
        var listed = table.Ordered.Add(position);
        if (!table.Sessions.TryAdd(session.Id, new Entry(record)))
        {
            if (listed)
            {
                table.Ordered.Remove(position); // the refused record's own position, never the stored one's
            }

            throw Exists(session);
        }

        // After the add: a sweep that came between would find no session and drop the id.
        table.Expiring.Add(session.Id, session.ExpiresAt.UtcTicks, now.UtcTicks);
    }

    private static InvalidOperationException Exists(Session session) =>
        new($"A {session.Kind} session with id {session.Id} exists already; CreateAsync never replaces one.");

    private bool Remove(string kind, string id)
    {
        if (!_kinds.TryGetValue(kind, out var table) || !table.Sessions.TryRemove(id, out var entry))
        {
            return false;
        }

        Unindex(table, id, entry);
        return true;
    }

    /// <summary>Takes a removed session out of its user's index and the listing order (its expiry filing goes at its sweep).</summary>
    private static void Unindex(KindTable table, string id, Entry entry)
    {
        RemoveFromIndex(table, entry.UserId, id);
        table.Ordered.Remove(new MemoryListingOrder.Position(entry.CreatedAtTicks, id));
    }

    private List<SessionRecord> Find(SessionQuery query)
    {
        var found = new List<SessionRecord>();
        if (!_kinds.TryGetValue(query.Kind, out var table))
        {
            return found;
        }

        if (query.UserId is not null)
        {
            // Under the user's stripe: read without it, the index could be read before a capped creation's eviction and
            // the sessions after, and a user who has the cap's sessions at every instant would count fewer, even none.
            lock (CapLock(query.Kind, query.UserId))
            {
                if (table.Users.TryGetValue(query.UserId, out var index))
                {
                    foreach (var id in UserIds.Snapshot(index))
                    {
                        if (table.Sessions.TryGetValue(id, out var entry) && entry.ToRecord(table.Kind, id) is var record && query.Matches(record.Session))
                        {
                            found.Add(record);
                        }
                    }
                }
            }

            return found;
        }

        foreach (var (id, entry) in table.Sessions)
        {
            if (entry.ToRecord(table.Kind, id) is var record && query.Matches(record.Session))
            {
                found.Add(record);
            }
        }

        return found;
    }

    private static void AddToIndex(KindTable table, string userId, string id)
    {
        var users = table.Users;
        while (true)
        {
            if (!users.TryGetValue(userId, out var index))
            {
                if (users.TryAdd(userId, new[] { id }))
                {
                    return;
                }
            }
            else if (index is UserIds set)
            {
                if (set.TryAdd(id))
                {
                    return;
                }
            }
            else
            {
                var ids = (string[])index;
                if (Array.IndexOf(ids, id) >= 0)
                {
                    return;
                }

                object grown = ids.Length < UserIds.ArrayLimit ? (string[])[.. ids, id] : new UserIds(ids, id);
                if (users.TryUpdate(userId, grown, ids))
                {
                    return;
                }
            }
        }
    }

    private static void RemoveFromIndex(KindTable table, string userId, string id)
    {
        var users = table.Users;
        while (users.TryGetValue(userId, out var index))
        {
            if (index is UserIds set)
            {
                if (set.TryRemove(id, users, userId))
                {
                    return;
                }

                continue;
            }

            var ids = (string[])index;
            var at = Array.IndexOf(ids, id);
            if (at < 0)
            {
                return;
            }

            // Arrays compare by reference: each exchange succeeds only on the very array read above.
            var done = ids.Length == 1
                ? users.TryRemove(new KeyValuePair<string, object>(userId, ids))
                : users.TryUpdate(userId, (string[])[.. ids.AsSpan(0, at), .. ids.AsSpan(at + 1)], ids);
            if (done)
            {
                return;
            }
        }
    }

    /// <summary>One kind's sessions by id, and its users' indexes (user id → the ids of their sessions).</summary>
    private sealed class KindTable(string kind, TimeSpan sweepInterval)
    {
        public string Kind { get; } = kind;

        public ConcurrentDictionary<string, Entry> Sessions { get; } = new(StringComparer.Ordinal);

        /// <summary>User id → a <c>string[]</c> of session ids (a few) or a <see cref="UserIds"/> (more).</summary>
        public ConcurrentDictionary<string, object> Users { get; } = new(StringComparer.Ordinal);

        /// <summary>Every id in listing order, for kind-wide pages.</summary>
        public MemoryListingOrder Ordered { get; } = new();

        /// <summary>Every id by when it expires, for the sweep.</summary>
        public MemoryExpirySchedule Expiring { get; } = new(sweepInterval);
    }

    /// <summary>
    /// A stored session, compact (bytes per stored session, <c>--memory</c> in test/AspNetSessions.Benchmarks): the
    /// instants as UTC ticks, no id or kind (the table's key and kind), and the digest array shared with the records
    /// built from it, which nothing writes into. A class compared by reference, so <c>TryUpdate</c> swaps only the entry
    /// read. Reads build the <see cref="SessionRecord"/> they return; lookups keep theirs (<see cref="Read"/>).
    /// </summary>
    private sealed class Entry(SessionRecord record, bool keepRecord = false)
    {
        private const long NoInstant = long.MinValue;

        /// <summary>
        /// The record last built for a lookup: an active session's lookups between slides then allocate nothing, while a
        /// session nobody reads keeps only the compact fields. Records are immutable, so a race builds an equal one.
        /// </summary>
        private SessionRecord? _read = keepRecord ? record : null;

        private readonly long _createdAt = record.Session.CreatedAt.UtcTicks;
        private readonly long _lastSeenAt = record.Session.LastSeenAt.UtcTicks;
        private readonly long _expiresAt = record.Session.ExpiresAt.UtcTicks;
        private readonly long _absoluteExpiresAt = record.Session.AbsoluteExpiresAt?.UtcTicks ?? NoInstant;
        private readonly long _authenticatedAt = record.Session.AuthenticatedAt.UtcTicks;
        private readonly IReadOnlyList<SessionClaim> _claims = record.Session.Claims;
        private readonly IReadOnlyDictionary<string, string> _data = record.Session.Data;
        private readonly IReadOnlyDictionary<string, string> _metadata = record.Session.Metadata;
        private readonly IReadOnlyDictionary<string, string> _authenticationItems = record.Session.AuthenticationItems;
        // What most sessions leave unset (an API key's name and scopes, DBSC's key, challenge and previous digest): one
        // reference, null for the rest, so a browser session pays 8 bytes for them instead of 40.
        private readonly Rare? _rare = Rare.Of(record);

        public string UserId { get; } = record.Session.UserId;

        public long CreatedAtTicks => _createdAt;

        public long ExpiresAtTicks => _expiresAt;

        public byte[] Digest { get; } = record.Digest;

        /// <summary>As <see cref="Session.IsValidAt"/>, without building the session.</summary>
        public bool IsValidAt(DateTimeOffset now) => _expiresAt > now.UtcTicks;

        /// <summary>The record for a lookup, kept for the next one (see <see cref="_read"/>).</summary>
        public SessionRecord Read(string kind, string id) => _read ??= ToRecord(kind, id);

        public SessionRecord ToRecord(string kind, string id) => new(
            new Session
            {
                Id = id,
                Kind = kind,
                UserId = UserId,
                CreatedAt = Instant(_createdAt),
                LastSeenAt = Instant(_lastSeenAt),
                ExpiresAt = Instant(_expiresAt),
                AbsoluteExpiresAt = _absoluteExpiresAt == NoInstant ? null : Instant(_absoluteExpiresAt),
                AuthenticatedAt = Instant(_authenticatedAt),
                Claims = _claims,
                Data = _data,
                Metadata = _metadata,
                AuthenticationItems = _authenticationItems,
                Name = _rare?.Name,
                Scopes = _rare?.Scopes,
                DeviceKey = _rare?.DeviceKey,
                DeviceChallenge = _rare?.DeviceChallenge,
            },
            Digest)
        {
            PreviousDigest = _rare?.PreviousDigest,
        };

        private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);

        private sealed record Rare(string? Name, IReadOnlyList<string>? Scopes, SessionDeviceKey? DeviceKey, string? DeviceChallenge, SessionPreviousDigest? PreviousDigest)
        {
            public static Rare? Of(SessionRecord record) =>
                record is { Session: { Name: null, Scopes: null, DeviceKey: null, DeviceChallenge: null }, PreviousDigest: null }
                    ? null
                    : new Rare(record.Session.Name, record.Session.Scopes, record.Session.DeviceKey, record.Session.DeviceChallenge, record.PreviousDigest);
        }
    }

    /// <summary>
    /// The index of a user with more than <see cref="ArrayLimit"/> sessions: a hash set under its own lock. Once emptied
    /// it is retired (removed from the users' table while locked); an add that finds it retired starts a new index.
    /// </summary>
    private sealed class UserIds
    {
        /// <summary>The most ids kept as an array, copied on each change (a copy of at most this many is O(1)).</summary>
        public const int ArrayLimit = 16;

        private readonly HashSet<string> _ids;
        private bool _retired;

        public UserIds(string[] ids, string id)
        {
            _ids = new HashSet<string>(ids, StringComparer.Ordinal) { id };
        }

        /// <summary>How many ids a user's index holds (valid or expired sessions), without copying them.</summary>
        public static int Count(ConcurrentDictionary<string, object> users, string userId)
        {
            if (!users.TryGetValue(userId, out var index))
            {
                return 0;
            }

            if (index is not UserIds set)
            {
                return ((string[])index).Length;
            }

            lock (set._ids)
            {
                return set._ids.Count;
            }
        }

        /// <summary>The ids of an index (an array, or a copy of a set's), to read without a lock.</summary>
        public static IEnumerable<string> Snapshot(object index)
        {
            if (index is not UserIds set)
            {
                return (string[])index;
            }

            lock (set._ids)
            {
                return [.. set._ids];
            }
        }

        /// <summary>Adds an id; <see langword="false"/> if this index was retired (the caller starts over).</summary>
        public bool TryAdd(string id)
        {
            lock (_ids)
            {
                if (_retired)
                {
                    return false;
                }

                _ids.Add(id);
                return true;
            }
        }

        /// <summary>Removes an id, retiring the index when it empties; <see langword="false"/> if it was retired already.</summary>
        public bool TryRemove(string id, ConcurrentDictionary<string, object> users, string userId)
        {
            lock (_ids)
            {
                if (_retired)
                {
                    return false;
                }

                if (_ids.Remove(id) && _ids.Count == 0)
                {
                    _retired = true;
                    users.TryRemove(new KeyValuePair<string, object>(userId, this));
                }

                return true;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, EventName = "MemoryStoreSwept", Level = LogLevel.Debug,
            Message = "Memory session store removed {Count} expired sessions.")]
        public static partial void Swept(ILogger logger, int count);
    }
}
