using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The listening side of the change channel (<see cref="PostgreSqlChangeNotifications"/>): one dedicated, unpooled
/// connection that makes sure the triggers exist, runs <c>LISTEN</c>, and then waits for notifications. It reports
/// "live" only once <c>LISTEN</c> has been answered on that connection; any error on it (the backend terminated, a
/// failover, a network cut found by the heartbeat) reports it lost, and it reconnects with a growing pause.
/// </summary>
/// <remarks>
/// While live, a <c>SELECT 1</c> after each second without a notification proves the connection still carries
/// messages, which bounds a silent loss well below <c>MaxStaleness</c>. These timings bound a real process, so they
/// run on real time, not the app's clock.
/// </remarks>
internal sealed class PostgreSqlSessionChannel(string connectionString, IReadOnlyList<SessionTableLocation> tables, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(2);
    private const int CommandTimeoutSeconds = 2;

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        Multiplexing = false,
        ApplicationName = PostgreSqlChangeNotifications.ListenerApplicationName,
        CommandTimeout = CommandTimeoutSeconds,
        Timeout = 5,
    }.ConnectionString;

    private readonly Lock _gate = new();
    private ISessionInvalidationListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private bool _live;
    private bool _failing;

    public IDisposable Subscribe(ISessionInvalidationListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException("The PostgreSQL change channel has a listener already (the near-cache); it takes one.");
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
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Whatever went wrong, the channel is not proven live: report it lost and try again (a loop that
                // ended here would leave the cache bypassed for good).
                if (!Lost(e))
                {
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks)); // still down: pause longer
                }
                else
                {
                    retry = FirstRetry;
                }
            }

            try
            {
                await Task.Delay(retry, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(stop).ConfigureAwait(false);
            await EnsureTriggersAsync(connection, stop).ConfigureAwait(false);
            connection.Notification += OnNotification;
            await ExecuteAsync(connection, "LISTEN " + PostgreSqlChangeNotifications.Channel, stop).ConfigureAwait(false);
            Restored();
            while (true)
            {
                if (!await connection.WaitAsync(Heartbeat, stop).ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, "SELECT 1", stop).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Creates the triggers when any is missing (under an advisory lock, so instances starting together take turns).</summary>
    private async Task EnsureTriggersAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        var count = new NpgsqlCommand(PostgreSqlChangeNotifications.CountTriggersSql(tables), connection);
        await using (count.ConfigureAwait(false))
        {
            if ((long)(await count.ExecuteScalarAsync(stop).ConfigureAwait(false))! == 2L * tables.Count)
            {
                return;
            }
        }

        var transaction = await connection.BeginTransactionAsync(stop).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var install = new NpgsqlCommand(PostgreSqlChangeNotifications.InstallSql(tables), connection, transaction);
            await using (install.ConfigureAwait(false))
            {
                await install.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
            }

            await transaction.CommitAsync(stop).ConfigureAwait(false);
        }

        Log.TriggersInstalled(logger, tables.Count);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken stop)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var listener = Volatile.Read(ref _listener);
        if (listener is null || !string.Equals(e.Channel, PostgreSqlChangeNotifications.Channel, StringComparison.Ordinal))
        {
            return;
        }

        if (!PostgreSqlChangeNotifications.TryDispatch(e.Payload, listener))
        {
            // Something changed and we cannot tell what: forget everything (lost, then live again at once).
            lock (_gate)
            {
                if (_live)
                {
                    listener.ChannelLost();
                    listener.ChannelRestored();
                }
            }
        }
    }

    private void Restored()
    {
        lock (_gate)
        {
            if (_live || _listener is null)
            {
                return;
            }

            _live = true;
            _failing = false;
            _listener.ChannelRestored(); // under the lock: a loss reported meanwhile cannot overtake it
        }

        Log.ChannelListening(logger, PostgreSqlChangeNotifications.Channel);
    }

    /// <summary>Reports the loss; returns whether it was live until now.</summary>
    private bool Lost(Exception exception)
    {
        bool was;
        lock (_gate)
        {
            was = _live;
            _live = false;
            if (was)
            {
                _listener?.ChannelLost();
            }
        }

        if (was)
        {
            Log.ChannelLost(logger, PostgreSqlChangeNotifications.Channel, exception.GetType().Name, exception);
        }
        else if (!_failing)
        {
            Log.ListenFailed(logger, PostgreSqlChangeNotifications.Channel, exception); // once per streak of failures
        }

        _failing = !was;
        return was;
    }

    private sealed class Subscription(PostgreSqlSessionChannel owner) : IDisposable
    {
        public void Dispose() => owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
