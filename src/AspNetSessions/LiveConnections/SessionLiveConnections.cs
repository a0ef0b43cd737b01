using System.Collections.Concurrent;
using AspNetSessions.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// The app instance's live connections (WebSockets, SignalR), each registered with the session that authenticated it
/// and closed when that session ends: revoked, expired, or rotated away (its token no longer matches).
/// </summary>
/// <remarks>
/// <para>What sets off a check of a connection's session: a change this instance's managers make (told directly), a
/// change the store's change feed announces from any instance (subscribed on the first registration, whether or not the
/// near-cache is on), the feed coming back live (messages may have been missed), the session's known expiry passing,
/// and, while no live feed vouches for the silence, every <see cref="SessionStoreOptions.LiveConnectionCheckInterval"/>
/// on the app's <see cref="TimeProvider"/>.</para>
/// <para>A check asks the store for the session (no slide: a connection is not a request) and closes the connection
/// when it is gone, expired, or its digest is no longer the one the connection's token matched. A check that cannot
/// reach the store keeps the connection and is tried again at the next interval: an outage is not a revocation, and
/// closing every connection at once would only bring them all back when it ends.</para>
/// </remarks>
internal sealed partial class SessionLiveConnections : ISessionChangeListener, IDisposable
{
    /// <summary>How many sessions one sweep checks at once.</summary>
    private const int SweepParallelism = 8;

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<ISessionStore> _store;
    private readonly Lazy<TimeSpan> _interval;
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private ITimer? _timer;
    private bool _started;
    private volatile bool _live;

    public SessionLiveConnections(IServiceProvider services, TimeProvider time, ILogger<SessionLiveConnections> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
        _store = new(services.GetRequiredService<ISessionStore>);
        _interval = new(() => services.GetRequiredService<IOptions<SessionStoreOptions>>().Value.LiveConnectionCheckInterval);
    }

    /// <summary>How many connections are registered (tests).</summary>
    internal int Count => _connections.Count;

    /// <summary>Whether the store's change feed is live, so revocations elsewhere arrive at once (tests wait for it).</summary>
    internal bool IsListening => _live;

    /// <summary>
    /// Registers a connection of <paramref name="context"/>'s request with the session that authenticated it;
    /// <paramref name="close"/> is called once, when the session ends (at once, before this returns, if it already has).
    /// Disposing the result forgets the connection. <see langword="null"/> when no session authenticated the request.
    /// </summary>
    public async Task<IDisposable?> RegisterAsync(HttpContext context, Func<Task> close, CancellationToken cancellationToken)
    {
        if (await AuthenticatedSessionAsync(context).ConfigureAwait(false) is not { } authenticated)
        {
            return null;
        }

        var (_, session, digest, tokenExpiresAt) = authenticated;
        var connection = new Connection(this, session.Kind, session.Id, session.UserId, digest, tokenExpiresAt, close);
        _connections.TryAdd(connection, 0);
        Start();

        // Once more now it is registered: a revocation between the request's authentication and here announced nothing it could hear.
        await CheckAsync(connection, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    void ISessionChangeListener.SessionChanged(string kind, string sessionId) =>
        CheckMatching(c => c.SessionId == sessionId && c.Kind == kind);

    void ISessionChangeListener.UserChanged(string kind, string userId) =>
        CheckMatching(c => c.UserId == userId && c.Kind == kind);

    void ISessionChangeListener.KindChanged(string kind) => CheckMatching(c => c.Kind == kind);

    void ISessionChangeListener.ChannelLost() => _live = false; // the interval checks take over

    void ISessionChangeListener.ChannelRestored()
    {
        _live = true;
        CheckMatching(static _ => true); // anything may have happened while it was down
    }

    public void Dispose()
    {
        IDisposable? subscription;
        ITimer? timer;
        lock (_gate)
        {
            (subscription, timer, _subscription, _timer) = (_subscription, _timer, null, null);
        }

        timer?.Dispose();
        subscription?.Dispose();
    }

    /// <summary>The session scheme that authenticated the request (its identity carries a session id), asked for what it matched.</summary>
    private static async Task<(SessionManager Manager, Session Session, byte[] Digest, DateTimeOffset TokenExpiresAt)?> AuthenticatedSessionAsync(HttpContext context)
    {
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        foreach (var identity in context.User.Identities)
        {
            if (identity.AuthenticationType is { } scheme && identity.HasClaim(c => c.Type == SessionClaimTypes.SessionId)
                && await handlers.GetHandlerAsync(context, scheme).ConfigureAwait(false) is SessionAuthenticationHandler handler
                && await handler.AuthenticatedSessionAsync().ConfigureAwait(false) is { } authenticated)
            {
                return authenticated;
            }
        }

        return null;
    }

    /// <summary>Subscribes to the change feed and starts the interval timer, with the first registration.</summary>
    private void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            var interval = _interval.Value;
            _timer = _time.CreateTimer(static state => ((SessionLiveConnections)state!).Tick(), this, interval, interval);
        }

        // Outside the lock: a live feed tells this listener at once.
        var subscription = _services.GetRequiredService<SessionStoreSelection>().ChangeFeed?.Subscribe(this);
        lock (_gate)
        {
            _subscription = subscription;
        }
    }

    /// <summary>
    /// Every interval: with no live feed, every connection is checked; with one, only those whose session's known expiry
    /// has passed (an expiry is not announced; a check finds it, or the later expiry a slide has moved it to).
    /// </summary>
    private void Tick()
    {
        if (_live)
        {
            var now = _time.GetUtcNow();
            CheckMatching(c => c.ExpiresAt <= now);
        }
        else
        {
            CheckMatching(static _ => true);
        }
    }

    private void CheckMatching(Func<Connection, bool> match)
    {
        var due = _connections.Keys.Where(match).ToArray();
        if (due.Length > 0)
        {
            _ = SweepAsync(due);
        }
    }

    private Task SweepAsync(Connection[] due) =>
        Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = SweepParallelism },
            async (connection, cancellationToken) => await CheckAsync(connection, cancellationToken).ConfigureAwait(false));

    /// <summary>Asks the store whether the connection's session still holds; closes the connection when it does not.</summary>
    private async Task CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        if (connection.IsClosed)
        {
            return;
        }

        SessionRecord? record;
        var now = _time.GetUtcNow();
        try
        {
            record = await _store.Value.GetAsync(connection.Kind, connection.SessionId, now, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e)
        {
            Log.CheckFailed(_logger, connection.Kind, connection.SessionId, e);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var match = record?.Match(connection.Digest, now) ?? SessionDigestMatch.None;
        if (match != SessionDigestMatch.None && record!.TokenExpiresAt(match) is var tokenExpiresAt && tokenExpiresAt > now)
        {
            connection.ExpiresAt = tokenExpiresAt;
            return;
        }

        await CloseAsync(connection).ConfigureAwait(false);
    }

    private async Task CloseAsync(Connection connection)
    {
        if (!connection.TryClose())
        {
            return;
        }

        _connections.TryRemove(connection, out _);
        Log.ConnectionClosed(_logger, connection.Kind, connection.SessionId);
        try
        {
            await connection.Close().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.CloseFailed(_logger, connection.Kind, connection.SessionId, e);
        }
    }

    /// <summary>One registered connection; disposing it forgets it.</summary>
    private sealed class Connection(SessionLiveConnections owner, string kind, string sessionId, string userId, byte[] digest, DateTimeOffset expiresAt, Func<Task> close) : IDisposable
    {
        private int _closed;
        private long _expiresAt = expiresAt.UtcTicks;

        public string Kind { get; } = kind;

        public string SessionId { get; } = sessionId;

        public string UserId { get; } = userId;

        public byte[] Digest { get; } = digest;

        public Func<Task> Close { get; } = close;

        /// <summary>The session's expiry as last seen: a slide made by a request moves it on in the store.</summary>
        public DateTimeOffset ExpiresAt
        {
            get => new(Interlocked.Read(ref _expiresAt), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _expiresAt, value.UtcTicks);
        }

        public bool IsClosed => Volatile.Read(ref _closed) != 0;

        public bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;

        public void Dispose()
        {
            Interlocked.Exchange(ref _closed, 1);
            owner._connections.TryRemove(this, out _);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1701, EventName = "LiveConnectionClosed", Level = LogLevel.Information,
            Message = "Closed a live connection of {Kind} session {SessionId}: the session has ended.")]
        public static partial void ConnectionClosed(ILogger logger, string kind, string sessionId);

        [LoggerMessage(EventId = 1702, EventName = "LiveConnectionCheckFailed", Level = LogLevel.Warning,
            Message = "Could not check {Kind} session {SessionId} of a live connection (the store is unavailable); it stays open until the next check.")]
        public static partial void CheckFailed(ILogger logger, string kind, string sessionId, Exception exception);

        [LoggerMessage(EventId = 1703, EventName = "LiveConnectionCloseFailed", Level = LogLevel.Warning,
            Message = "Closing a live connection of {Kind} session {SessionId} failed.")]
        public static partial void CloseFailed(ILogger logger, string kind, string sessionId, Exception exception);
    }
}
