using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The subscriber side of the change channel (<see cref="RedisInvalidationMessages"/>), on the store's multiplexer, so
/// an app that shares its multiplexer opens no other connection. It reports "live" only after it has heard its own
/// probe come back through the subscription: that, not a connection event, proves messages are being delivered.
/// </summary>
/// <remarks>
/// A failed subscription connection (any node's, on a Cluster: over-reporting only costs a refill) is reported lost at
/// once; the next probe, sent as soon as the multiplexer says the connection is restored, reports it live again. While
/// live, a probe every second (answered within 2 s) catches a subscription that died without an event, which bounds
/// silent loss well below <c>MaxStaleness</c>. The probes' timing bounds a real process, so it runs on real time.
/// </remarks>
internal sealed class RedisSessionChannel(RedisConnection connection, string channel, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeWhileLive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeWhileLost = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);

    private readonly RedisChannel _channel = RedisChannel.Literal(channel);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private ISessionInvalidationListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private IConnectionMultiplexer? _multiplexer;
    private bool _live;
    private long _losses;
    private string? _nonce;
    private TaskCompletionSource? _heard;

    public IDisposable Subscribe(ISessionInvalidationListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException("The Redis change channel has a listener already (the near-cache); it takes one.");
            }

            _listener = listener;
            _stop = new CancellationTokenSource();
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }

        return new Subscription(this);
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (loop, stop, _loop, _stop, _listener) = (_loop, _stop, null, null, null);
            _live = false;
        }

        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop!.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        if (_multiplexer is { } multiplexer)
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            try
            {
                await multiplexer.GetSubscriber().UnsubscribeAsync(_channel, OnMessage).WaitAsync(connection.CommandTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (RedisFailures.IsUnavailable(e, CancellationToken.None))
            {
                // Redis is gone: so is the subscription.
            }
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        ISubscriber? subscriber = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (subscriber is null)
                {
                    var multiplexer = await connection.GetMultiplexerAsync(stop).ConfigureAwait(false);
                    if (_multiplexer is null)
                    {
                        _multiplexer = multiplexer;
                        multiplexer.ConnectionFailed += OnConnectionFailed;
                        multiplexer.ConnectionRestored += OnConnectionRestored;
                    }

                    var candidate = multiplexer.GetSubscriber();
                    await candidate.SubscribeAsync(_channel, OnMessage).WaitAsync(connection.CommandTimeout, stop).ConfigureAwait(false);
                    subscriber = candidate;
                }

                var losses = Volatile.Read(ref _losses);
                if (await ProbeAsync(subscriber, stop).ConfigureAwait(false))
                {
                    Restored(losses);
                }
                else
                {
                    Lost("a probe did not come back through the subscription", null);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Whatever went wrong, the channel is not proven live: report it lost and try again (a loop that
                // ended here would leave the cache bypassed for good).
                Lost(e.GetType().Name, e);
            }

            try
            {
                await _wake.WaitAsync(IsLive ? Heartbeat : Retry, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private bool IsLive
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    /// <summary>Publishes a fresh nonce and waits for it to come back through the subscription.</summary>
    private async Task<bool> ProbeAsync(ISubscriber subscriber, CancellationToken stop)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nonce = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            (_nonce, _heard) = (nonce, heard);
        }

        await subscriber.PublishAsync(_channel, RedisInvalidationMessages.ProbeMessage(nonce)).WaitAsync(connection.CommandTimeout, stop).ConfigureAwait(false);
        try
        {
            await heard.Task.WaitAsync(IsLive ? ProbeWhileLive : ProbeWhileLost, stop).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void OnMessage(RedisChannel from, RedisValue message)
    {
        var listener = Volatile.Read(ref _listener);
        if (listener is null)
        {
            return;
        }

        var nonce = RedisInvalidationMessages.Dispatch(message, listener, out var malformed);
        if (malformed)
        {
            Lost("a message on the channel did not parse", null);
        }
        else if (nonce is not null)
        {
            TaskCompletionSource? heard = null;
            lock (_gate)
            {
                if (string.Equals(nonce, _nonce, StringComparison.Ordinal))
                {
                    heard = _heard;
                }
            }

            heard?.TrySetResult();
        }
    }

    /// <summary>Live again, unless something was lost after the probe that proved it was sent.</summary>
    private void Restored(long lossesBeforeProbe)
    {
        lock (_gate)
        {
            if (_live || _listener is null || _losses != lossesBeforeProbe)
            {
                return;
            }

            _live = true;
            // Under the lock, so a loss reported meanwhile cannot reach the listener before this does.
            _listener.ChannelRestored();
        }

        Log.ChangeChannelListening(logger, channel);
    }

    private void Lost(string reason, Exception? exception)
    {
        bool was;
        lock (_gate)
        {
            _losses++;
            was = _live;
            _live = false;
            if (was)
            {
                _listener?.ChannelLost();
            }
        }

        if (was)
        {
            Log.ChangeChannelLost(logger, channel, reason, exception);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            Lost($"subscription connection to {e.EndPoint} failed: {e.FailureType}", e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription && _wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private sealed class Subscription(RedisSessionChannel owner) : IDisposable
    {
        public void Dispose() => owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
