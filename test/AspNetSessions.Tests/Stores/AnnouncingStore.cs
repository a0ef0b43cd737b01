using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Stores;

/// <summary>
/// A real memory store that announces its changes in process, the way the Redis and PostgreSQL stores announce them
/// across processes, with a channel the test can break and restore and a count of lookups that reached the store.
/// Several near-caches over one of these behave like app instances over one shared store.
/// </summary>
public sealed class AnnouncingStore(ISessionStore inner) : DelegatingSessionStore(inner), ISessionChangeFeed
{
    private readonly List<ISessionChangeListener> _listeners = [];
    private bool _live = true;
    private int _lookups;

    /// <summary>While set, the store answers but the channel stays silent (a broken subscriber nobody noticed).</summary>
    public bool Silent { get; set; }

    /// <summary>Runs inside every lookup before the store answers (to race invalidations against fills).</summary>
    public Func<Task>? DuringLookup { get; set; }

    public int Lookups => Volatile.Read(ref _lookups);

    public override string Name => "Announcing";

    public IDisposable Subscribe(ISessionChangeListener listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        if (_live)
        {
            listener.ChannelRestored();
        }

        return new Unsubscribe(() =>
        {
            lock (_listeners)
            {
                _listeners.Remove(listener);
            }
        });
    }

    public void LoseChannel()
    {
        _live = false;
        Each(l => l.ChannelLost());
    }

    public void RestoreChannel()
    {
        _live = true;
        Each(l => l.ChannelRestored());
    }

    public override async ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var evicted = await base.CreateAsync(record, maxSessionsPerUser, now, cancellationToken);
        Announce(l => l.SessionChanged(record.Session.Kind, record.Session.Id));
        foreach (var id in evicted)
        {
            Announce(l => l.SessionChanged(record.Session.Kind, id));
        }

        return evicted;
    }

    public override async ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        var found = await base.FindAndSlideAsync(lookup, cancellationToken);
        if (DuringLookup is { } during)
        {
            await during();
        }

        return found;
    }

    public override async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await base.UpdateAsync(kind, id, patch, now, cancellationToken);
        Announce(l => l.SessionChanged(kind, id));
        return updated;
    }

    public override async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var deleted = await base.DeleteAsync(kind, id, cancellationToken);
        Announce(l => l.SessionChanged(kind, id));
        return deleted;
    }

    public override async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var deleted = await base.DeleteManyAsync(query, cancellationToken);
        Announce(l =>
        {
            if (query.UserId is { } user)
            {
                l.UserChanged(query.Kind, user);
            }
            else
            {
                l.KindChanged(query.Kind);
            }
        });
        return deleted;
    }

    private void Announce(Action<ISessionChangeListener> message)
    {
        if (!Silent && _live)
        {
            Each(message);
        }
    }

    private void Each(Action<ISessionChangeListener> action)
    {
        ISessionChangeListener[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            action(listener);
        }
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
