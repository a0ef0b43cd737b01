namespace AspNetSessions.Stores;

/// <summary>
/// One store's change feed shared by everyone in the app who listens (the near-cache, the live connections): a
/// transport such as <see cref="SessionChangeChannel"/> keeps one listener, so this subscribes to it once, with the
/// first listener, and tells every listener what it hears. A listener that joins while the feed is live is told
/// <see cref="ISessionChangeListener.ChannelRestored"/> at once; the last one to leave ends the subscription.
/// </summary>
internal sealed class SharedSessionChangeFeed(ISessionChangeFeed inner) : ISessionChangeFeed, ISessionChangeListener
{
    private readonly Lock _gate = new();
    private volatile ISessionChangeListener[] _listeners = [];
    private IDisposable? _subscription;
    private bool _live;

    public IDisposable Subscribe(ISessionChangeListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        bool first;
        lock (_gate)
        {
            first = _listeners.Length == 0;
            _listeners = [.. _listeners, listener];
            if (_live)
            {
                listener.ChannelRestored();
            }
        }

        if (first)
        {
            // Outside the lock: the transport calls back under its own lock, then takes this one.
            var subscription = inner.Subscribe(this);
            lock (_gate)
            {
                if (_listeners.Length > 0)
                {
                    (_subscription, subscription) = (subscription, null);
                }
            }

            subscription?.Dispose(); // everyone left meanwhile
        }

        return new Subscription(this, listener);
    }

    void ISessionChangeListener.SessionChanged(string kind, string sessionId)
    {
        foreach (var listener in _listeners)
        {
            listener.SessionChanged(kind, sessionId);
        }
    }

    void ISessionChangeListener.UserChanged(string kind, string userId)
    {
        foreach (var listener in _listeners)
        {
            listener.UserChanged(kind, userId);
        }
    }

    void ISessionChangeListener.KindChanged(string kind)
    {
        foreach (var listener in _listeners)
        {
            listener.KindChanged(kind);
        }
    }

    void ISessionChangeListener.ChannelLost()
    {
        lock (_gate)
        {
            _live = false;
            foreach (var listener in _listeners)
            {
                listener.ChannelLost();
            }
        }
    }

    void ISessionChangeListener.ChannelRestored()
    {
        lock (_gate)
        {
            _live = true;
            foreach (var listener in _listeners)
            {
                listener.ChannelRestored();
            }
        }
    }

    private void Unsubscribe(ISessionChangeListener listener)
    {
        IDisposable? last = null;
        lock (_gate)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
            if (_listeners.Length == 0)
            {
                (last, _subscription, _live) = (_subscription, null, false);
            }
        }

        last?.Dispose();
    }

    private sealed class Subscription(SharedSessionChangeFeed owner, ISessionChangeListener listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(listener);
            }
        }
    }
}
