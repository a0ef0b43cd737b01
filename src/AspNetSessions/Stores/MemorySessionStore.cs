using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Stores;

/// <summary>
/// The embedded default backend: thread-safe, O(1) lookup by id, O(k) for a user's k sessions whatever the total,
/// expired entries never returned and swept in the background.
/// </summary>
/// <remarks>
/// Records are immutable; an entry's record is swapped with compare-and-exchange so that concurrent touches, patches
/// and rotations never overwrite each other's fields. Each user index is a small set guarded by its own lock; a set
/// emptied and unlinked is marked dead so that a concurrent writer retries on a fresh one instead of losing an id.
/// </remarks>
internal sealed partial class MemorySessionStore : ISessionStore, IDisposable
{
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Kind, string Id), Entry> _sessions = new();
    private readonly ConcurrentDictionary<(string Kind, string UserId), UserIndex> _users = new();
    private readonly TimeProvider _time;
    private readonly ILogger<MemorySessionStore> _logger;
    private readonly ITimer _sweeper;

    // MaxSessionsPerUser: capped creations of one user serialize on one of these stripes (by kind and user), so the
    // count-then-evict step is atomic against every other capped creation; nothing else adds sessions to a capped kind.
    private readonly object[] _capLocks = [.. Enumerable.Range(0, 64).Select(_ => new object())];

    public MemorySessionStore(TimeProvider time, ILogger<MemorySessionStore> logger, TimeSpan? sweepInterval = null)
    {
        _time = time;
        _logger = logger;
        var interval = sweepInterval ?? DefaultSweepInterval;
        _sweeper = time.CreateTimer(static state => ((MemorySessionStore)state!).Sweep(), this, interval, interval);
    }

    public string Name => "Memory";

    /// <summary>How many records are held, valid or expired (for tests and benchmarks).</summary>
    public int Count => _sessions.Count;

    public ValueTask SetAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Set(record);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        var session = record.Session;
        var stripe = _capLocks[(int)((uint)HashCode.Combine(session.Kind, session.UserId) % (uint)_capLocks.Length)];
        lock (stripe)
        {
            var others = Find(new SessionQuery { Kind = session.Kind, UserId = session.UserId, Now = now, ExceptSessionId = session.Id });
            var evicted = SessionEviction.Choose(others, maxSessionsPerUser);
            foreach (var id in evicted)
            {
                Remove(session.Kind, id);
            }

            Set(record);
            return ValueTask.FromResult(evicted);
        }
    }

    public ValueTask SetManyAsync(IReadOnlyList<SessionRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var record in records)
        {
            Set(record);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_sessions.TryGetValue((kind, id), out var entry) && entry.Record.Session.IsValidAt(now)
            ? entry.Record
            : null);
    }

    public ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue((lookup.Kind, lookup.Id), out var entry))
        {
            return default;
        }

        while (true)
        {
            var current = entry.Record;
            if (!current.Session.IsValidAt(lookup.Now) || !current.MatchesDigest(lookup.Digest.Span))
            {
                return default;
            }

            var session = SessionExpiry.Touch(current.Session, lookup);
            if (ReferenceEquals(session, current.Session))
            {
                return ValueTask.FromResult<SessionRecord?>(current);
            }

            var touched = current with { Session = session };
            if (entry.TryReplace(current, touched))
            {
                return ValueTask.FromResult<SessionRecord?>(touched);
            }
        }
    }

    public ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_sessions.TryGetValue((kind, id), out var entry))
        {
            return default;
        }

        while (true)
        {
            var current = entry.Record;
            if (!current.Session.IsValidAt(now))
            {
                return default;
            }

            var patched = patch.ApplyTo(current);
            if (entry.TryReplace(current, patched))
            {
                return ValueTask.FromResult<SessionRecord?>(patched);
            }
        }
    }

    public ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Remove(kind, id));
    }

    public ValueTask<IReadOnlyList<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = Find(query);
        found.Sort(SessionRecord.OldestFirst);
        return ValueTask.FromResult<IReadOnlyList<SessionRecord>>(found);
    }

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

    /// <summary>Removes every expired record; runs on the sweep timer.</summary>
    internal int Sweep()
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        foreach (var (key, entry) in _sessions)
        {
            if (!entry.Record.Session.IsValidAt(now) && Remove(key.Kind, key.Id))
            {
                removed++;
            }
        }

        if (removed > 0)
        {
            Log.Swept(_logger, removed);
        }

        return removed;
    }

    private void Set(SessionRecord record)
    {
        var session = record.Session;
        // Index first: a record is never reachable by id while missing from its user's index.
        AddToIndex(session.Kind, session.UserId, session.Id);
        var key = (session.Kind, session.Id);
        _sessions.AddOrUpdate(key, static (_, r) => new Entry(r), static (_, _, r) => new Entry(r), record);
    }

    private bool Remove(string kind, string id)
    {
        if (!_sessions.TryRemove((kind, id), out var entry))
        {
            return false;
        }

        RemoveFromIndex(kind, entry.Record.Session.UserId, id);
        return true;
    }

    private List<SessionRecord> Find(SessionQuery query)
    {
        var found = new List<SessionRecord>();
        if (query.UserId is not null)
        {
            if (_users.TryGetValue((query.Kind, query.UserId), out var index))
            {
                foreach (var id in index.Snapshot())
                {
                    if (_sessions.TryGetValue((query.Kind, id), out var entry) && query.Matches(entry.Record.Session))
                    {
                        found.Add(entry.Record);
                    }
                }
            }

            return found;
        }

        foreach (var (key, entry) in _sessions)
        {
            if (query.Matches(entry.Record.Session))
            {
                found.Add(entry.Record);
            }
        }

        return found;
    }

    private void AddToIndex(string kind, string userId, string id)
    {
        while (true)
        {
            var index = _users.GetOrAdd((kind, userId), static _ => new UserIndex());
            if (index.TryAdd(id))
            {
                return;
            }
        }
    }

    private void RemoveFromIndex(string kind, string userId, string id)
    {
        var key = (kind, userId);
        if (_users.TryGetValue(key, out var index) && index.Remove(id))
        {
            _users.TryRemove(new KeyValuePair<(string, string), UserIndex>(key, index));
        }
    }

    private sealed class Entry(SessionRecord record)
    {
        private SessionRecord _record = record;

        public SessionRecord Record => Volatile.Read(ref _record);

        public bool TryReplace(SessionRecord expected, SessionRecord replacement) =>
            ReferenceEquals(Interlocked.CompareExchange(ref _record, replacement, expected), expected);
    }

    private sealed class UserIndex
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private bool _dead;

        /// <summary>Adds an id; <see langword="false"/> if this index was already unlinked (retry on a fresh one).</summary>
        public bool TryAdd(string id)
        {
            lock (_ids)
            {
                if (_dead)
                {
                    return false;
                }

                _ids.Add(id);
                return true;
            }
        }

        /// <summary>Removes an id; <see langword="true"/> if the index became empty and must be unlinked.</summary>
        public bool Remove(string id)
        {
            lock (_ids)
            {
                _ids.Remove(id);
                _dead = _ids.Count == 0;
                return _dead;
            }
        }

        public string[] Snapshot()
        {
            lock (_ids)
            {
                return [.. _ids];
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
