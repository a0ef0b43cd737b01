using System.Diagnostics;
using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>
/// Wraps the store in use: a duration measurement and an activity (when anyone listens) per call, by operation
/// and backend. Costs two timestamps per call when nobody listens; allocates nothing on synchronous completion.
/// </summary>
internal sealed class InstrumentedSessionStore(ISessionStore inner, SessionMetrics metrics, SessionStoreOutage? outage = null) : DelegatingSessionStore(inner)
{
    private readonly SessionMetrics _metrics = metrics;
    private readonly SessionStoreOutage? _outage = outage;

    public override async ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var call = Begin("create");
        return call.Succeeded(await InnerStore.CreateAsync(record, maxSessionsPerUser, now, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var call = Begin("get");
        return call.Succeeded(await InnerStore.GetAsync(kind, id, now, cancellationToken).ConfigureAwait(false));
    }

    /// <remarks>
    /// Every authenticated request comes through here: when the store answers synchronously (the memory store, a
    /// near-cache hit) the call is measured and returned without a state machine of its own.
    /// </remarks>
    public override ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        var call = Begin("find_and_slide");
        ValueTask<SessionRecord?> pending;
        try
        {
            pending = InnerStore.FindAndSlideAsync(lookup, cancellationToken);
        }
        catch
        {
            call.Dispose();
            throw;
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return Awaited(call, pending);
        }

        var record = pending.Result;
        call.Succeeded();
        call.Dispose();
        return new ValueTask<SessionRecord?>(record);

        static async ValueTask<SessionRecord?> Awaited(StoreCall call, ValueTask<SessionRecord?> pending)
        {
            try
            {
                var record = await pending.ConfigureAwait(false);
                call.Succeeded();
                return record;
            }
            finally
            {
                call.Dispose();
            }
        }
    }

    public override async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var call = Begin("update");
        return call.Succeeded(await InnerStore.UpdateAsync(kind, id, patch, now, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        using var call = Begin("delete");
        return call.Succeeded(await InnerStore.DeleteAsync(kind, id, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        using var call = Begin("query");
        return call.Succeeded(await InnerStore.QueryAsync(query, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        using var call = Begin("count");
        return call.Succeeded(await InnerStore.CountAsync(query, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        using var call = Begin("delete_many");
        return call.Succeeded(await InnerStore.DeleteManyAsync(query, cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        using var call = Begin("ping");
        await InnerStore.PingAsync(cancellationToken).ConfigureAwait(false);
        call.Succeeded();
    }

    // The activity name is built only when someone listens: this runs on every request (a string per call otherwise).
    private StoreCall Begin(string operation) => new(this, operation, SessionMetrics.ActivitySource.HasListeners()
        ? SessionMetrics.ActivitySource.StartActivity("aspnetsessions.store " + operation, ActivityKind.Client)
        : null);

    /// <summary>One measured call: disposed without <see cref="Succeeded()"/>, it counts as failed.</summary>
    private struct StoreCall(InstrumentedSessionStore store, string operation, Activity? activity) : IDisposable
    {
        // No clock read on the hot path when nobody records durations (the histogram is off until a listener subscribes).
        private readonly long _start = store._metrics.TimesStoreCalls ? Stopwatch.GetTimestamp() : 0;
        private bool _succeeded;

        public void Succeeded() => _succeeded = true;

        public T Succeeded<T>(T result)
        {
            _succeeded = true;
            return result;
        }

        public readonly void Dispose()
        {
            store._metrics.StoreCall(operation, store.Name, _start, _succeeded);
            if (_succeeded)
            {
                store._outage?.Answered();
            }

            if (activity is not null)
            {
                activity.SetTag("aspnetsessions.store.operation", operation);
                activity.SetTag("aspnetsessions.store.backend", store.Name);
                activity.SetStatus(_succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
                activity.Dispose();
            }
        }
    }
}
