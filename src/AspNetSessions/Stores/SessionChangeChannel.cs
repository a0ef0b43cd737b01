using Microsoft.Extensions.Logging;

namespace AspNetSessions.Stores;

/// <summary>
/// A change feed over a network channel, for transports to derive from (Redis pub/sub, PostgreSQL <c>LISTEN</c>): it
/// keeps one listener at a time and runs the loop that subscribes, proves the channel delivers, reports it live or
/// lost (logged once per change of state), probes it again after each quiet second and retries with a growing pause.
/// A transport supplies only <see cref="ListenAsync"/>, <see cref="ProbeAsync"/> and the parsing of its messages.
/// </summary>
/// <remarks>
/// The near-cache serves an entry only while the channel is live and was live when the entry was cached, which is
/// safe because of two rules kept here: "live" is reported only after a probe begun after the last loss has
/// succeeded, and any doubt (an error, a probe that does not come back) is reported as a loss first. The timings bound
/// a real process, so they run on real time, not the app's clock.
/// </remarks>
public abstract partial class SessionChangeChannel : ISessionChangeFeed, IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private ISessionChangeListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private bool _live;
    private bool _failing;
    private long _losses;

    /// <summary>Creates the channel; nothing runs before <see cref="Subscribe"/>.</summary>
    /// <param name="name">The channel's name, as the logs show it.</param>
    /// <param name="logger">Where its live and lost events go.</param>
    protected SessionChangeChannel(string name, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        Logger = logger;
    }

    /// <summary>The channel's name, as the logs show it.</summary>
    public string Name { get; }

    /// <summary>Where the channel logs, for the transport's own events too.</summary>
    protected ILogger Logger { get; }

    /// <summary>The listener, or <see langword="null"/> before <see cref="Subscribe"/> and after disposal.</summary>
    protected ISessionChangeListener? Listener => Volatile.Read(ref _listener);

    /// <summary>Whether the channel is reported live.</summary>
    protected bool IsLive
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(ISessionChangeListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException($"The change channel {Name} has a listener already (the near-cache); it takes one.");
            }

            var stop = new CancellationTokenSource();
            (_listener, _stop, _failing) = (listener, stop, false);
            _loop = Task.Run(() => RunAsync(stop.Token));
        }

        return new Subscription(this);
    }

    /// <summary>Stops the loop, waits for it, then releases the transport (<see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (loop, stop, _loop, _stop, _listener) = (_loop, _stop, null, null, null);
            _live = false;
        }

        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await loop!.ConfigureAwait(false);
            stop.Dispose();
            await CloseAsync(disposing: true).ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Makes sure the subscription exists (returns at once when it does); throws when it cannot be made.</summary>
    /// <param name="cancellationToken">Stops the attempt when the channel is disposed.</param>
    protected abstract Task ListenAsync(CancellationToken cancellationToken);

    /// <summary>Proves the subscription still delivers: <see langword="false"/> or an exception reports the channel lost.</summary>
    /// <param name="cancellationToken">Stops the probe when the channel is disposed.</param>
    protected abstract Task<bool> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits <paramref name="pause"/> before the next probe, or less when <see cref="Wake"/> is called. A transport that
    /// receives messages only while it reads (PostgreSQL) waits on its connection instead, until a quiet
    /// <paramref name="pause"/>.
    /// </summary>
    /// <param name="pause">A second while live; the retry pause, growing from 100 ms to 2 s, while not.</param>
    /// <param name="cancellationToken">Stops the wait when the channel is disposed.</param>
    protected virtual Task WaitAsync(TimeSpan pause, CancellationToken cancellationToken) => _wake.WaitAsync(pause, cancellationToken);

    /// <summary>Releases the subscription after a failure (the next <see cref="ListenAsync"/> makes a fresh one), or for good; never throws.</summary>
    /// <param name="disposing"><see langword="true"/> when the channel is disposed.</param>
    protected virtual ValueTask CloseAsync(bool disposing) => ValueTask.CompletedTask;

    /// <summary>Ends the current wait at once, e.g. when the transport says its connection is back.</summary>
    protected void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Reports that messages may have been missed: the listener forgets everything until a probe succeeds.</summary>
    /// <param name="reason">Why, for the log.</param>
    /// <param name="exception">The failure, if any.</param>
    protected void ReportLost(string reason, Exception? exception)
    {
        bool log;
        lock (_gate)
        {
            if (_listener is null)
            {
                return; // disposed
            }

            _losses++;
            if (_live)
            {
                _live = false;
                _listener.ChannelLost();
            }

            // Once per streak: the loss of a live channel, or the first failure while it is not live yet.
            log = !_failing;
            _failing = true;
        }

        if (log)
        {
            Log.ChannelLost(Logger, Name, reason, exception);
        }
    }

    /// <summary>A message that does not parse says "something changed, I cannot tell what": the listener forgets everything, and the channel stays live.</summary>
    protected void ReportUnreadable()
    {
        lock (_gate)
        {
            if (_live && _listener is { } listener)
            {
                listener.ChannelLost();
                listener.ChannelRestored();
            }
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        var pause = TimeSpan.Zero;
        while (true)
        {
            try
            {
                if (pause > TimeSpan.Zero)
                {
                    await WaitAsync(pause, stop).ConfigureAwait(false);
                }

                await ListenAsync(stop).ConfigureAwait(false);
                var losses = Interlocked.Read(ref _losses);
                if (await ProbeAsync(stop).ConfigureAwait(false))
                {
                    Restored(losses);
                }
                else
                {
                    ReportLost("a probe did not come back through the channel", null);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the channel is not proven live: report it lost and try again (a loop that
                // ended here would leave the cache bypassed for good).
                ReportLost(e.GetType().Name, e);
                await CloseAsync(disposing: false).ConfigureAwait(false);
            }

            (pause, retry) = IsLive ? (Heartbeat, FirstRetry) : (retry, TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks)));
        }
    }

    /// <summary>Live again, unless something was lost after the probe that proved it began.</summary>
    private void Restored(long lossesBeforeProbe)
    {
        lock (_gate)
        {
            if (_live || _listener is null || _losses != lossesBeforeProbe)
            {
                return;
            }

            _live = true;
            _failing = false;
            _listener.ChannelRestored(); // under the lock, so a loss reported meanwhile cannot reach the listener first
        }

        Log.ChannelLive(Logger, Name);
    }

    private sealed class Subscription(SessionChangeChannel owner) : IDisposable
    {
        public void Dispose() => owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1304, EventName = "SessionChangeChannelLost", Level = LogLevel.Warning,
            Message = "The change channel {Channel} is not live ({Reason}); until it is, the near-cache is flushed and bypassed, and live connections re-check their sessions every LiveConnectionCheckInterval.")]
        public static partial void ChannelLost(ILogger logger, string channel, string reason, Exception? exception);

        [LoggerMessage(EventId = 1305, EventName = "SessionChangeChannelLive", Level = LogLevel.Information,
            Message = "The change channel {Channel} is live; the near-cache is in use and live connections hear revocations at once.")]
        public static partial void ChannelLive(ILogger logger, string channel);
    }
}
