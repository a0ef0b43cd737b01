using AspNetSessions.Stores;

namespace AspNetSessions.TestSupport;

/// <summary>
/// Wraps a real store to count calls and to simulate an outage (every call throws
/// <see cref="SessionStoreUnavailableException"/> while <see cref="Unavailable"/> is set). For testing failure
/// paths and "no store access" claims; the behaviour itself always comes from the real store underneath.
/// </summary>
public sealed class FaultInjectingStore(ISessionStore inner) : ISessionStore
{
    private int _calls;

    public bool Unavailable { get; set; }

    /// <summary>How many calls reached this store (including refused ones).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public string Name => inner.Name;

    public ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? inner.CreateAsync(record, maxSessionsPerUser, now, cancellationToken) : ValueTask.FromResult<IReadOnlyList<string>>([]);

    public ValueTask SetAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? inner.SetAsync(record, now, cancellationToken) : default;

    public ValueTask SetManyAsync(IReadOnlyList<SessionRecord> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? inner.SetManyAsync(records, now, cancellationToken) : default;

    public ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? inner.GetAsync(kind, id, now, cancellationToken) : default;

    public ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken) =>
        Enter() ? inner.FindAndSlideAsync(lookup, cancellationToken) : default;

    public ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? inner.UpdateAsync(kind, id, patch, now, cancellationToken) : default;

    public ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken) =>
        Enter() ? inner.DeleteAsync(kind, id, cancellationToken) : default;

    public ValueTask<IReadOnlyList<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? inner.QueryAsync(query, cancellationToken) : default;

    public ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? inner.CountAsync(query, cancellationToken) : default;

    public ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? inner.DeleteManyAsync(query, cancellationToken) : default;

    public ValueTask PingAsync(CancellationToken cancellationToken) =>
        Enter() ? inner.PingAsync(cancellationToken) : default;

    private bool Enter()
    {
        Interlocked.Increment(ref _calls);
        return Unavailable ? throw new SessionStoreUnavailableException("Injected outage.") : true;
    }
}
