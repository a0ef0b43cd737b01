using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The EF Core store on PostgreSQL, unchanged, plus its change channel: what the near-cache needs to run over it.
/// Every call goes straight to the EF Core store; the triggers announce the changes, so no call does anything more.
/// On another database there is no channel (<paramref name="refusal"/> says why) and subscribing is refused; the
/// startup check (<see cref="PostgreSqlNearCacheValidator"/>) stops the app before that.
/// </summary>
internal sealed class PostgreSqlAnnouncingSessionStore(ISessionStore inner, PostgreSqlSessionChannel? channel, string? refusal)
    : ISessionStore, ISessionInvalidationSource, IAsyncDisposable
{
    public string Name => inner.Name;

    public IDisposable Subscribe(ISessionInvalidationListener listener) =>
        channel?.Subscribe(listener) ?? throw new InvalidOperationException(refusal);

    public ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.CreateAsync(record, maxSessionsPerUser, now, cancellationToken);

    public ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.GetAsync(kind, id, now, cancellationToken);

    public ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken) =>
        inner.FindAndSlideAsync(lookup, cancellationToken);

    public ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.UpdateAsync(kind, id, patch, now, cancellationToken);

    public ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken) =>
        inner.DeleteAsync(kind, id, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken) =>
        inner.QueryAsync(query, cancellationToken);

    public ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken) =>
        inner.CountAsync(query, cancellationToken);

    public ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken) =>
        inner.DeleteManyAsync(query, cancellationToken);

    public ValueTask PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    // The EF Core store is a DI singleton of its own and is released by the container; only the channel is ours.
    public ValueTask DisposeAsync() => channel?.DisposeAsync() ?? ValueTask.CompletedTask;
}
