namespace AspNetSessions.Stores;

/// <summary>
/// A base for store decorators, as <see cref="System.Net.Http.DelegatingHandler"/> is for <c>HttpClient</c> handlers:
/// every <see cref="ISessionStore"/> member forwards to <see cref="InnerStore"/> unless overridden, and disposing the
/// decorator disposes the inner store. A decorator overrides only the calls it changes.
/// </summary>
public abstract class DelegatingSessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>Wraps <paramref name="innerStore"/>.</summary>
    /// <param name="innerStore">The store every call not overridden goes to.</param>
    protected DelegatingSessionStore(ISessionStore innerStore)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
    }

    /// <summary>The decorated store.</summary>
    protected ISessionStore InnerStore { get; }

    /// <inheritdoc />
    public virtual string Name => InnerStore.Name;

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        InnerStore.CreateAsync(record, maxSessionsPerUser, now, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        InnerStore.GetAsync(kind, id, now, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken) =>
        InnerStore.FindAndSlideAsync(lookup, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken) =>
        InnerStore.UpdateAsync(kind, id, patch, now, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken) =>
        InnerStore.DeleteAsync(kind, id, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken) =>
        InnerStore.QueryAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken) =>
        InnerStore.CountAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken) =>
        InnerStore.DeleteManyAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask PingAsync(CancellationToken cancellationToken) => InnerStore.PingAsync(cancellationToken);

    /// <summary>Disposes the decorator and the inner store.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the decorator and the inner store asynchronously when the inner store supports it.</summary>
    /// <returns>A task that completes when both are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the decorator holds; the base disposes the inner store when <paramref name="disposing"/> is set.</summary>
    /// <param name="disposing"><see langword="true"/> from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            (InnerStore as IDisposable)?.Dispose();
        }
    }

    /// <summary>Releases what the decorator holds asynchronously; the base disposes the inner store (asynchronously when it can).</summary>
    /// <returns>A task that completes when the inner store is disposed.</returns>
    protected virtual ValueTask DisposeAsyncCore()
    {
        if (InnerStore is IAsyncDisposable async)
        {
            return async.DisposeAsync();
        }

        (InnerStore as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
