using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The listening side of the change channel (<see cref="PostgreSqlChangeNotifications"/>): one dedicated, unpooled
/// connection that makes sure the triggers exist, runs <c>LISTEN</c>, and then waits for notifications. Any error on
/// it (the backend terminated, a failover, a network cut found by the probe) reports it lost; a fresh connection is
/// made for the next try.
/// </summary>
/// <remarks>
/// Notifications are delivered only while the connection reads, so it waits on the connection itself; the probe, a
/// <c>SELECT 1</c> after each second without a notification, proves the connection still carries messages, which
/// bounds a silent loss well below <c>MaxStaleness</c>.
/// </remarks>
internal sealed class PostgreSqlSessionChannel(string connectionString, IReadOnlyList<SessionTableLocation> tables, ILogger logger)
    : SessionChangeChannel(PostgreSqlChangeNotifications.Channel, logger)
{
    private const int CommandTimeoutSeconds = 2;

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        Multiplexing = false,
        ApplicationName = PostgreSqlChangeNotifications.ListenerApplicationName,
        CommandTimeout = CommandTimeoutSeconds,
        Timeout = 5,
    }.ConnectionString;

    private NpgsqlConnection? _connection;

    protected override async Task ListenAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return;
        }

        var connection = new NpgsqlConnection(_connectionString);
        _connection = connection; // released by CloseAsync, also when a step below fails
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await EnsureTriggersAsync(connection, cancellationToken).ConfigureAwait(false);
        connection.Notification += OnNotification;
        await ExecuteAsync(connection, "LISTEN " + PostgreSqlChangeNotifications.Channel, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync(_connection!, "SELECT 1", cancellationToken).ConfigureAwait(false);
        return true;
    }

    protected override async Task WaitAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        if (_connection is not { } connection)
        {
            await base.WaitAsync(pause, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (await connection.WaitAsync(pause, cancellationToken).ConfigureAwait(false))
        {
            // a notification was delivered: the connection is carrying messages, so keep listening
        }
    }

    protected override async ValueTask CloseAsync(bool disposing)
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
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

        Log.TriggersInstalled(Logger, tables.Count);
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
        if (Listener is { } listener
            && string.Equals(e.Channel, PostgreSqlChangeNotifications.Channel, StringComparison.Ordinal)
            && !PostgreSqlChangeNotifications.TryDispatch(e.Payload, listener))
        {
            ReportUnreadable();
        }
    }
}
