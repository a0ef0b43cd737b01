using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The multiplexer: ONE connection to one Redis server, shared by every caller. Commands from concurrent callers are
/// pipelined on the socket and their replies matched in order; nothing waits for a reply while holding a lock.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Lazy: constructing never connects; the first command does (bounded by <c>connectTimeout</c>), and commands
/// issued while that first attempt runs wait for it.</item>
/// <item>Fail fast: once connected, a lost connection fails its pending commands with
/// <see cref="RedisConnectionException"/>, and new commands fail at once (no queue builds up) while ONE background
/// loop reconnects with jittered exponential backoff (100 ms doubling to 5 s).</item>
/// <item>Timeouts: a heartbeat timer checks the oldest pending command; when it has waited longer than
/// <c>asyncTimeout</c> it fails with <see cref="RedisTimeoutException"/> and the connection is torn down and
/// re-established, because in-order matching can no longer be trusted. The same timer sends a <c>PING</c> after
/// <c>keepAlive</c> seconds without writes, so a dead socket is noticed.</item>
/// <item>Handshake: <c>HELLO 3 [AUTH user pass] [SETNAME name]</c>, falling back to RESP2 with <c>AUTH</c> and
/// <c>CLIENT SETNAME</c> on servers without <c>HELLO</c>; then <c>SELECT</c> when <c>defaultDatabase</c> is not 0.</item>
/// </list>
/// </remarks>
internal sealed class RedisConnection : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly RedisConfiguration _configuration;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly string _endPoint;
    private readonly Lock _stateLock = new();
    private readonly CancellationTokenSource _disposeCts = new();
    private RedisPhysicalConnection? _current;
    private Task? _connecting;
    private Task? _reconnecting;
    private bool _started;
    private bool _disposed;
    private Exception? _lastError;
    private long _outageStarted;
    private ITimer? _heartbeat;

    /// <summary>Creates the connection; nothing is connected until the first command.</summary>
    /// <param name="configuration">Where and how to connect.</param>
    /// <param name="logger">Receives connected / lost / reconnected events; null for none.</param>
    /// <param name="timeProvider">The clock for timeouts, heartbeat and backoff; null for <see cref="TimeProvider.System"/>.</param>
    public RedisConnection(RedisConfiguration configuration, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _endPoint = configuration.EndPoint.ToString();
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The settings in use.</summary>
    public RedisConfiguration Configuration => _configuration;

    /// <summary>True while a healthy connection is established.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsFailed: false };

    /// <summary>The RESP version of the current connection (2 or 3), or 0 when not connected.</summary>
    public int Protocol => Volatile.Read(ref _current)?.Protocol ?? 0;

    /// <summary>Sends a command and returns its reply.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the command may still run on the server).</param>
    /// <returns>The reply; never an error reply.</returns>
    /// <exception cref="RedisServerException">The server answered with an error.</exception>
    /// <exception cref="RedisConnectionException">Not connected, connection lost, or timed out.</exception>
    public ValueTask<RespValue> ExecuteAsync(string command, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken) =>
        ExecuteAsync(new RedisCommand(command, args), cancellationToken);

    /// <summary>Sends a command and returns its reply.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the command may still run on the server).</param>
    /// <returns>The reply; never an error reply.</returns>
    public ValueTask<RespValue> ExecuteAsync(in RedisCommand command, CancellationToken cancellationToken)
    {
        // Checked here: a failure half-way through writing would take the shared connection down with it.
        ArgumentException.ThrowIfNullOrEmpty(command.Name, nameof(command));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RespValue>(cancellationToken);
        }

        var connection = Volatile.Read(ref _current);
        if (connection is not null)
        {
            var pending = PendingCommand.Rent(command.Name, hasCaller: true);
            if (connection.TrySend(in command, pending))
            {
                pending.RegisterCancellation(cancellationToken);
                return pending.Task;
            }

            pending.Abandon();
        }

        return ExecuteSlowAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        RedisPhysicalConnection? connection;
        Task? connecting;
        Task? reconnecting;
        lock (_stateLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connection = _current;
            _current = null;
            connecting = _connecting;
            reconnecting = _reconnecting;
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        _heartbeat?.Dispose();
        if (connection is not null)
        {
            connection.Fail(new RedisConnectionException($"The Redis connection to {_endPoint} was disposed."));
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await WaitQuietlyAsync(connecting).ConfigureAwait(false);
        await WaitQuietlyAsync(reconnecting).ConfigureAwait(false);
        _disposeCts.Dispose();
    }

    private static async Task WaitQuietlyAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already reported to whoever was waiting for it.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RespValue> ExecuteSlowAsync(RedisCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            RedisPhysicalConnection? connection;
            Task? connecting;
            Exception? lastError;
            lock (_stateLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                connection = _current;
                if (connection is null && !_started)
                {
                    _started = true;
                    EnsureHeartbeatLocked();
                    _connecting = Task.Run(ConnectFirstAsync, CancellationToken.None);
                }

                connecting = connection is null ? _connecting : null;
                lastError = _lastError;
            }

            if (connection is not null)
            {
                var pending = PendingCommand.Rent(command.Name, hasCaller: true);
                if (connection.TrySend(in command, pending))
                {
                    pending.RegisterCancellation(cancellationToken);
                    return await pending.Task.ConfigureAwait(false);
                }

                pending.Abandon();
                throw NotConnected(connection.Failure);
            }

            if (connecting is null || attempt > 0)
            {
                throw NotConnected(lastError);
            }

            // Only the very first connection attempt is waited for; it throws its own failure.
            await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private RedisConnectionException NotConnected(Exception? cause) => new(
        cause is null
            ? $"Redis at {_endPoint} is not connected; reconnecting in the background."
            : $"Redis at {_endPoint} is not connected; reconnecting in the background. Last error: {cause.Message}",
        cause);

    private async Task ConnectFirstAsync()
    {
        var start = _timeProvider.GetTimestamp();
        Exception error;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await ConnectOnceAsync().ConfigureAwait(false);
                if (Publish(connection, fromReconnectLoop: false))
                {
                    Log.Connected(_logger, _endPoint, connection.Protocol);
                    return;
                }

                error = connection.Failure ?? new RedisConnectionException($"The connection to Redis at {_endPoint} failed right after connecting.");
            }
            catch (Exception ex)
            {
                error = ex;
            }

            var delay = Backoff(attempt, TimeSpan.FromMilliseconds(50));
            if (error is RedisAuthenticationException or ObjectDisposedException
                || attempt >= _configuration.ConnectRetry
                || _timeProvider.GetElapsedTime(start) + delay >= _configuration.ConnectTimeout)
            {
                break;
            }

            try
            {
                await Task.Delay(delay, _timeProvider, _disposeCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        lock (_stateLock)
        {
            _connecting = null;
            _lastError = error;
            _outageStarted = _timeProvider.GetTimestamp();
            if (!_disposed)
            {
                _reconnecting ??= Task.Run(ReconnectLoopAsync, CancellationToken.None);
            }
        }

        if (error is not ObjectDisposedException)
        {
            Log.ConnectFailed(_logger, _endPoint, error);
        }

        throw error is RedisConnectionException or ObjectDisposedException
            ? error
            : new RedisConnectionException($"Could not connect to Redis at {_endPoint}: {error.Message}", error);
    }

    private async Task ReconnectLoopAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Delay(Backoff(attempt - 1, MinBackoff), _timeProvider, _disposeCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var connection = await ConnectOnceAsync().ConfigureAwait(false);
                if (Publish(connection, fromReconnectLoop: true))
                {
                    long downtime;
                    lock (_stateLock)
                    {
                        downtime = (long)_timeProvider.GetElapsedTime(_outageStarted).TotalMilliseconds;
                    }

                    Log.Reconnected(_logger, _endPoint, attempt, downtime, connection.Protocol);
                    return;
                }
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                lock (_stateLock)
                {
                    _lastError = ex;
                }

                Log.ReconnectAttemptFailed(_logger, attempt, _endPoint, ex);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (_disposeCts.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private bool Publish(RedisPhysicalConnection connection, bool fromReconnectLoop)
    {
        lock (_stateLock)
        {
            if (_disposed || connection.IsFailed)
            {
                _ = connection.DisposeAsync().AsTask();
                ObjectDisposedException.ThrowIf(_disposed, this);
                return false;
            }

            _current = connection;
            _lastError = null;
            if (fromReconnectLoop)
            {
                _reconnecting = null;
            }
            else
            {
                _connecting = null;
            }
        }

        // Set after publishing: a failure in between invokes the callback at once, and it finds this connection current.
        connection.SetFailureCallback(OnConnectionFailed);
        return true;
    }

    private void OnConnectionFailed(RedisPhysicalConnection connection, Exception exception)
    {
        lock (_stateLock)
        {
            if (!ReferenceEquals(_current, connection))
            {
                return;
            }

            _current = null;
            _lastError = exception;
            _outageStarted = _timeProvider.GetTimestamp();
            if (_disposed)
            {
                return;
            }

            _reconnecting ??= Task.Run(ReconnectLoopAsync, CancellationToken.None);
        }

        // Once per outage: this runs once per physical connection, and only for the current one.
        Log.ConnectionLost(_logger, _endPoint, exception);
    }

    private async Task<RedisPhysicalConnection> ConnectOnceAsync()
    {
        using var timeout = new CancellationTokenSource(_configuration.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _disposeCts.Token);
        RedisPhysicalConnection? connection = null;
        try
        {
            connection = await RedisPhysicalConnection.ConnectAsync(_configuration, _timeProvider, linked.Token).ConfigureAwait(false);
            await HandshakeAsync(connection, linked.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (_disposeCts.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(RedisConnection), ex);
            }

            if (ex is OperationCanceledException && timeout.IsCancellationRequested)
            {
                throw new RedisTimeoutException(
                    $"Connecting to Redis at {_endPoint} timed out after {(long)_configuration.ConnectTimeout.TotalMilliseconds} ms.", ex);
            }

            if (ex is RedisConnectionException)
            {
                throw;
            }

            throw new RedisConnectionException($"Could not connect to Redis at {_endPoint}: {ex.Message}", ex);
        }
    }

    private async Task HandshakeAsync(RedisPhysicalConnection connection, CancellationToken cancellationToken)
    {
        var configuration = _configuration;
        var password = configuration.Password;
        var hello = new List<RedisArg>(6) { 3 };
        if (password is not null)
        {
            hello.Add("AUTH");
            hello.Add(configuration.User ?? "default");
            hello.Add(password);
        }

        if (configuration.ClientName is not null)
        {
            hello.Add("SETNAME");
            hello.Add(configuration.ClientName);
        }

        try
        {
            await SendAsync(connection, "HELLO", hello.ToArray(), cancellationToken).ConfigureAwait(false);
            connection.Protocol = 3;
        }
        catch (RedisServerException ex) when (IsHelloUnsupported(ex))
        {
            Log.ProtocolFallback(_logger, _endPoint);
            connection.Protocol = 2;
            if (password is not null)
            {
                RedisArg[] auth = configuration.User is null ? [password] : [configuration.User, password];
                try
                {
                    await SendAsync(connection, "AUTH", auth, cancellationToken).ConfigureAwait(false);
                }
                catch (RedisServerException authError)
                {
                    throw AuthenticationFailed(authError);
                }
            }

            if (configuration.ClientName is not null)
            {
                await SendAsync(connection, "CLIENT", new RedisArg[] { "SETNAME", configuration.ClientName }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RedisServerException ex) when (IsAuthenticationError(ex))
        {
            throw AuthenticationFailed(ex);
        }
        catch (RedisServerException ex)
        {
            throw new RedisConnectionException($"The handshake with Redis at {_endPoint} failed: {ex.Message}", ex);
        }

        if (configuration.DefaultDatabase != 0)
        {
            try
            {
                await SendAsync(connection, "SELECT", new RedisArg[] { configuration.DefaultDatabase }, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException ex)
            {
                throw new RedisConnectionException(
                    $"Selecting database {configuration.DefaultDatabase} on Redis at {_endPoint} failed: {ex.Message}", ex);
            }
        }
    }

    private static async Task<RespValue> SendAsync(
        RedisPhysicalConnection connection, string command, RedisArg[] args, CancellationToken cancellationToken)
    {
        var pending = PendingCommand.Rent(command, hasCaller: true);
        if (!connection.TrySend(new RedisCommand(command, args), pending))
        {
            pending.Abandon();
            var failure = connection.Failure;
            throw new RedisConnectionException(failure?.Message ?? "The connection failed.", failure);
        }

        pending.RegisterCancellation(cancellationToken);
        return await pending.Task.ConfigureAwait(false);
    }

    private static bool IsHelloUnsupported(RedisServerException ex) =>
        ex.ErrorCode == "NOPROTO" || ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase);

    private static bool IsAuthenticationError(RedisServerException ex) =>
        ex.ErrorCode is "WRONGPASS" or "NOAUTH" or "NOPERM"
        || ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase);

    private RedisAuthenticationException AuthenticationFailed(RedisServerException ex) => new(
        _configuration.User is null
            ? $"Authentication to Redis at {_endPoint} failed: {ex.Message}"
            : $"Authentication to Redis at {_endPoint} failed for user '{_configuration.User}': {ex.Message}",
        ex);

    private void EnsureHeartbeatLocked()
    {
        // Fine enough to notice a timeout within about a quarter of it; at most once a second.
        var period = TimeSpan.FromTicks(Math.Clamp(
            _configuration.AsyncTimeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _heartbeat ??= _timeProvider.CreateTimer(static state => ((RedisConnection)state!).OnHeartbeat(), this, period, period);
    }

    private void OnHeartbeat()
    {
        var connection = Volatile.Read(ref _current);
        if (connection is null)
        {
            return;
        }

        try
        {
            var now = _timeProvider.GetTimestamp();
            connection.CheckTimeout(now, _configuration.AsyncTimeout);
            if (_configuration.KeepAlive > TimeSpan.Zero && !connection.IsFailed)
            {
                connection.PingIfIdle(now, _configuration.KeepAlive);
            }
        }
        catch (Exception ex)
        {
            connection.Fail(new RedisConnectionException($"The heartbeat for Redis at {_endPoint} failed: {ex.Message}", ex));
        }
    }

    private static TimeSpan Backoff(int attempt, TimeSpan initial)
    {
        // Exponential with "equal jitter": between half and all of the capped exponential delay.
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
