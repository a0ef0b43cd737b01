using AspNetSessions.Stores;

namespace AspNetSessions.TestSupport;

/// <summary>
/// Wraps a real store to count calls and to simulate an outage (every call throws
/// <see cref="SessionStoreUnavailableException"/> while <see cref="Unavailable"/> is set). For testing failure
/// paths and "no store access" claims; the behaviour itself always comes from the real store underneath.
/// </summary>
public sealed class FaultInjectingStore(ISessionStore inner) : DelegatingSessionStore(inner)
{
    private int _calls;

    public bool Unavailable { get; set; }

    /// <summary>How many calls reached this store (including refused ones).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public override ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? base.CreateAsync(record, maxSessionsPerUser, now, cancellationToken) : ValueTask.FromResult<IReadOnlyList<string>>([]);

    public override ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? base.GetAsync(kind, id, now, cancellationToken) : default;

    public override ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken) =>
        Enter() ? base.FindAndSlideAsync(lookup, cancellationToken) : default;

    public override ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken) =>
        Enter() ? base.UpdateAsync(kind, id, patch, now, cancellationToken) : default;

    public override ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken) =>
        Enter() ? base.DeleteAsync(kind, id, cancellationToken) : default;

    public override ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? base.QueryAsync(query, cancellationToken) : default;

    public override ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? base.CountAsync(query, cancellationToken) : default;

    public override ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken) =>
        Enter() ? base.DeleteManyAsync(query, cancellationToken) : default;

    public override ValueTask PingAsync(CancellationToken cancellationToken) =>
        Enter() ? base.PingAsync(cancellationToken) : default;

    private bool Enter()
    {
        Interlocked.Increment(ref _calls);
        return Unavailable ? throw new SessionStoreUnavailableException("Injected outage.") : true;
    }
}
