using System.Collections.Concurrent;
using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>
/// The near-cache: a decorator that answers the hot path (<see cref="FindAndSlideAsync"/>) from memory when it safely
/// can, and sends everything else to the store, which stays the single source of truth.
/// </summary>
/// <remarks>
/// <para>Only positive answers are cached. A lookup is answered without I/O only when all of these hold: the session is
/// cached, the channel that announces changes is live and was live when it was cached, it was cached less than
/// <see cref="SessionNearCacheOptions.MaxStaleness"/> ago, the presented digest is accepted (<see cref="SessionRecord.Match"/>, constant time), it is valid
/// now, and no slide write is due (<see cref="SessionExpiry.IsWriteDue"/>): a due write goes to the store, so slides are
/// written exactly as often as without the cache.</para>
/// <para>Races: every invalidation bumps a generation counter before it evicts. A fill records the generation before
/// asking the store and re-checks it after inserting; if anything was invalidated meanwhile it takes its entry back
/// out, so an invalidation racing a fill can never leave a revoked session cached.</para>
/// <para>Single flight: concurrent misses for one session on this instance share one store call (when a slide falls
/// due, every in-flight request for a busy token misses at once). A miss joins the call in flight only when it
/// presents the same secret (constant time; any other secret asks the store itself, so a wrong guess can neither
/// spoil nor learn the right one's answer) and nothing was invalidated since that call began (the generation), so
/// a lookup that starts after a revocation never gets an answer read before it. A joiner whose leader was cancelled
/// asks the store itself.</para>
/// </remarks>
internal sealed class NearCacheSessionStore : DelegatingSessionStore, ISessionChangeListener
{
    private readonly TimeProvider _time;
    private readonly NearCacheMetrics _metrics;
    private readonly int _sizeLimit;
    private readonly TimeSpan _maxStaleness;
    private readonly ConcurrentDictionary<(string Kind, string Id), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Kind, string Id), Flight> _flights = new();
    private readonly IDisposable _subscription;
    private long _generation;
    private long _epoch;
    private volatile bool _live;

    public NearCacheSessionStore(ISessionStore inner, ISessionChangeFeed feed, SessionNearCacheOptions options, TimeProvider time, NearCacheMetrics metrics)
        : base(inner)
    {
        _time = time;
        _metrics = metrics;
        _sizeLimit = options.SizeLimit;
        _maxStaleness = options.MaxStaleness;
        metrics.CreateInstruments(() => _entries.Count);
        _subscription = feed.Subscribe(this);
    }

    /// <summary>How many sessions are cached (tests and the entries gauge).</summary>
    internal int Count => _entries.Count;

    /// <summary>Whether the store's change channel is live, so entries may be served (tests wait for it).</summary>
    internal bool IsListening => _live;

    public override ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        var key = (lookup.Kind, lookup.Id);
        if (_live && _entries.TryGetValue(key, out var entry) && IsServable(entry, lookup))
        {
            _metrics.Hit();
            return ValueTask.FromResult<SessionRecord?>(entry.Record);
        }

        _metrics.Miss();
        return FindOnceAsync(key, lookup, cancellationToken);
    }

    public override async ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        Evict(record.Session.Kind, record.Session.Id);
        var evicted = await InnerStore.CreateAsync(record, maxSessionsPerUser, now, cancellationToken).ConfigureAwait(false);
        Evict(record.Session.Kind, record.Session.Id);
        foreach (var id in evicted)
        {
            Evict(record.Session.Kind, id);
        }

        return evicted;
    }

    public override async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Evict(kind, id);
        try
        {
            return await InnerStore.UpdateAsync(kind, id, patch, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(kind, id);
        }
    }

    public override async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        Evict(kind, id);
        try
        {
            return await InnerStore.DeleteAsync(kind, id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(kind, id);
        }
    }

    public override async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        EvictMatching(query.Kind, query.UserId);
        try
        {
            return await InnerStore.DeleteManyAsync(query, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EvictMatching(query.Kind, query.UserId);
        }
    }

    void ISessionChangeListener.SessionChanged(string kind, string sessionId)
    {
        _metrics.Invalidated();
        Evict(kind, sessionId);
    }

    void ISessionChangeListener.UserChanged(string kind, string userId)
    {
        _metrics.Invalidated();
        EvictMatching(kind, userId);
    }

    void ISessionChangeListener.KindChanged(string kind)
    {
        _metrics.Invalidated();
        EvictMatching(kind, userId: null);
    }

    void ISessionChangeListener.ChannelLost()
    {
        // Bypass first, then forget: nothing cached before this moment is ever served again.
        _live = false;
        Interlocked.Increment(ref _epoch);
        Flush();
    }

    void ISessionChangeListener.ChannelRestored()
    {
        Interlocked.Increment(ref _epoch);
        Flush();
        _live = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        _subscription.Dispose();
        return base.DisposeAsyncCore();
    }

    private bool IsServable(Entry entry, in SessionLookup lookup)
    {
        var session = entry.Record.Session;
        return entry.Epoch == Volatile.Read(ref _epoch)
            && _time.GetElapsedTime(entry.CachedAt) < _maxStaleness
            && session.IsValidAt(lookup.Now)
            && !SessionExpiry.IsWriteDue(session.LastSeenAt, lookup.Now, lookup.SlidingGranularity)
            && entry.Record.Match(lookup.Digest, lookup.Now) != SessionDigestMatch.None;
    }

    /// <summary>A miss: joins the store call in flight for this session when it may (see the remarks), else makes it.</summary>
    private async ValueTask<SessionRecord?> FindOnceAsync((string Kind, string Id) key, SessionLookup lookup, CancellationToken cancellationToken)
    {
        var flight = new Flight(lookup.Digest, Volatile.Read(ref _generation));
        var current = _flights.GetOrAdd(key, flight);
        if (current != flight)
        {
            if (current.Generation == Volatile.Read(ref _generation) && SessionRecord.DigestsMatch(current.Digest, lookup.Digest))
            {
                try
                {
                    var shared = await current.Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return shared is not null && shared.Session.IsValidAt(lookup.Now) ? shared : null;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // the leader's request was cancelled, not this one: ask the store below
                }
            }

            return await FindInStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var found = await FindInStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
            flight.Answer.TrySetResult(found);
            return found;
        }
        catch (Exception e)
        {
            flight.Answer.TrySetException(e); // joiners see the same outage (or ask again after a cancellation)
            _ = flight.Answer.Task.Exception; // observed, when nobody joined
            throw;
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<(string, string), Flight>(key, flight));
        }
    }

    private async ValueTask<SessionRecord?> FindInStoreAsync((string Kind, string Id) key, SessionLookup lookup, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        var epoch = Volatile.Read(ref _epoch);
        var live = _live;
        var found = await InnerStore.FindAndSlideAsync(lookup, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            // Gone, expired or revoked: forget it, but only for the right secret (a wrong guess must not evict).
            if (_entries.TryGetValue(key, out var stale) && stale.Record.Match(lookup.Digest, lookup.Now) != SessionDigestMatch.None)
            {
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, stale));
            }

            return null;
        }

        if (live && (_entries.Count < _sizeLimit || _entries.ContainsKey(key)))
        {
            var entry = new Entry(found, _time.GetTimestamp(), epoch);
            _entries[key] = entry;
            if (Volatile.Read(ref _generation) != generation || Volatile.Read(ref _epoch) != epoch)
            {
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry)); // something changed meanwhile
            }
        }

        return found;
    }

    private void Evict(string kind, string id)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove((kind, id), out _);
    }

    private void EvictMatching(string kind, string? userId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (string.Equals(key.Kind, kind, StringComparison.Ordinal)
                && (userId is null || string.Equals(entry.Record.Session.UserId, userId, StringComparison.Ordinal)))
            {
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
            }
        }
    }

    private void Flush()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _metrics.Flushed();
    }

    private sealed record Entry(SessionRecord Record, long CachedAt, long Epoch);

    /// <summary>A store call in flight for one session: the secret it presents, the generation it began in, its answer.</summary>
    private sealed class Flight(byte[] digest, long generation)
    {
        public byte[] Digest { get; } = digest;

        public long Generation { get; } = generation;

        public TaskCompletionSource<SessionRecord?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
