using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The subscriber side of the change channel (<see cref="RedisInvalidationMessages"/>), on the store's multiplexer, so
/// an app that shares its multiplexer opens no other connection. Its probe is a fresh nonce published to the channel
/// and heard back through the subscription: that, not a connection event, proves messages are being delivered.
/// </summary>
/// <remarks>
/// A failed subscription connection (any node's, on a Cluster: over-reporting only costs a refill) is reported lost at
/// once; the next probe, sent as soon as the multiplexer says the connection is restored, reports it live again. A
/// probe is answered within 2 s while live (500 ms while not), which bounds silent loss well below <c>MaxStaleness</c>.
/// </remarks>
internal sealed class RedisSessionChannel(RedisConnection connection, string channel, ILogger logger) : SessionChangeChannel(channel, logger)
{
    private static readonly TimeSpan ProbeWhileLive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeWhileLost = TimeSpan.FromMilliseconds(500);

    private readonly RedisChannel _channel = RedisChannel.Literal(channel);
    private readonly Lock _gate = new();
    private IConnectionMultiplexer? _multiplexer;
    private ISubscriber? _subscriber;
    private string? _nonce;
    private TaskCompletionSource? _heard;

    protected override async Task ListenAsync(CancellationToken cancellationToken)
    {
        if (_subscriber is not null)
        {
            return; // the multiplexer subscribes it again after a reconnect
        }

        var multiplexer = await connection.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        if (_multiplexer is null)
        {
            _multiplexer = multiplexer;
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
        }

        var candidate = multiplexer.GetSubscriber();
        await candidate.SubscribeAsync(_channel, OnMessage).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        _subscriber = candidate;
    }

    /// <summary>Publishes a fresh nonce and waits for it to come back through the subscription.</summary>
    protected override async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nonce = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            (_nonce, _heard) = (nonce, heard);
        }

        await _subscriber!.PublishAsync(_channel, RedisInvalidationMessages.ProbeMessage(nonce)).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            await heard.Task.WaitAsync(IsLive ? ProbeWhileLive : ProbeWhileLost, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    protected override async ValueTask CloseAsync(bool disposing)
    {
        if (!disposing || _multiplexer is not { } multiplexer)
        {
            return; // after a failure the subscription stays: the multiplexer restores it
        }

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

    private void OnMessage(RedisChannel from, RedisValue message)
    {
        if (Listener is not { } listener)
        {
            return;
        }

        var nonce = RedisInvalidationMessages.Dispatch(message, listener, out var malformed);
        if (malformed)
        {
            ReportUnreadable();
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

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            ReportLost($"subscription connection to {e.EndPoint} failed: {e.FailureType}", e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            Wake();
        }
    }
}
