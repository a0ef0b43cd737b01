using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The store's multiplexer: the app's own (from <see cref="RedisSessionStoreOptions.ConnectionMultiplexerFactory"/>,
/// never disposed here) or one created from a clone of the options on first use, so the app starts while Redis is
/// down. A created one never aborts on connect failure and fails commands fast while disconnected (no backlog).
/// Connection losses and restorations are logged once per outage and endpoint.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private static readonly TimeSpan FirstConnectWait = TimeSpan.FromSeconds(5);

    private readonly RedisSessionStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    // Keyed by the endpoint as text: the two events may describe one endpoint with different EndPoint types.
    private readonly ConcurrentDictionary<string, byte> _down = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Endpoints whose refused password was said (once per loss, whatever failure was reported first).</summary>
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.OrdinalIgnoreCase);
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _multiplexer;
    private IDatabase? _database;
    private bool _owned;
    private bool _disposed;

    public RedisConnection(RedisSessionStoreOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;
        CommandTimeout = options.CommandTimeout;
        RevocationReplicas = options.RevocationReplicas;
        RevocationReplicaTimeout = options.RevocationReplicaTimeout;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>The bound of every call, connecting included.</summary>
    public TimeSpan CommandTimeout { get; }

    /// <summary><see cref="RedisSessionStoreOptions.RevocationReplicas"/>: null for the default (1 when the primary has replicas).</summary>
    public int? RevocationReplicas { get; }

    /// <summary><see cref="RedisSessionStoreOptions.RevocationReplicaTimeout"/>.</summary>
    public TimeSpan RevocationReplicaTimeout { get; }

    public TimeProvider Time { get; }

    /// <summary>The database, connecting first if needed (bounded by <see cref="CommandTimeout"/>).</summary>
    public ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = Volatile.Read(ref _database);
        return database is not null ? new(database) : SlowAsync(cancellationToken);

        async ValueTask<IDatabase> SlowAsync(CancellationToken cancellationToken)
        {
            var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
            var db = multiplexer.GetDatabase();
            Volatile.Write(ref _database, db);
            return db;
        }
    }

    /// <summary>The multiplexer, connecting first if needed (bounded by <see cref="CommandTimeout"/>).</summary>
    public async ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } ready)
        {
            return ready;
        }

        Task<IConnectionMultiplexer> connecting;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                // A failed factory or configuration is tried again by the next call, not cached forever.
                _connecting = ConnectAsync();
            }

            connecting = _connecting;
        }

        // The first connection gets more patience than a command: the handshake and topology discovery can take
        // seconds on a busy machine, and a refused connection is reported at once anyway (AbortOnConnectFail=false
        // returns a disconnected multiplexer whose commands then fail fast). Once connected, CommandTimeout bounds
        // every call.
        try
        {
            return await connecting.WaitAsync(CommandTimeout > FirstConnectWait ? CommandTimeout : FirstConnectWait, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Only here do these mean "no connection": the configuration did not parse, or the app's factory failed.
            throw RedisFailures.Unavailable(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is null)
        {
            return;
        }

        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await connecting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ArgumentException or InvalidOperationException)
        {
            return; // never connected: nothing to release
        }

        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
        if (_owned)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        IConnectionMultiplexer multiplexer;
        if (_options.ConnectionMultiplexerFactory is { } factory)
        {
            multiplexer = await factory().ConfigureAwait(false);
        }
        else
        {
            var options = _options.ConfigurationOptions?.Clone() ?? RedisConfigurationReader.Read(_options.Configuration!);
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            // A revocation's WAIT may block on the server for RevocationReplicaTimeout before it answers; every
            // call is bounded by our own CommandTimeout anyway.
            var timeout = (int)Math.Ceiling((CommandTimeout + RevocationReplicaTimeout).TotalMilliseconds);
            options.AsyncTimeout = timeout;
            options.SyncTimeout = timeout;
            // On our clone only: failed first attempts (wrong password, refused, TLS) are reported here, not as
            // ConnectionFailed, and they happen before the multiplexer exists to subscribe to.
            options.ConnectionAttemptCompleted += OnConnectionAttemptCompleted;
            multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            _owned = true;
        }

        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        Volatile.Write(ref _multiplexer, multiplexer);
        return multiplexer;
    }

    private void OnConnectionAttemptCompleted(object? sender, ConnectionAttemptCompletedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || e.EndPoint is not { } endPoint)
        {
            return;
        }

        var name = Format(endPoint);
        if (!e.IsSuccess)
        {
            Down(name, e.FailureType, e.Exception);
        }
        else if (Up(name))
        {
            Log.ConnectionRestored(_logger, name);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // The interactive connection carries the store's commands; pub/sub has its own and is not ours.
        if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is { } endPoint)
        {
            Down(Format(endPoint), e.FailureType, e.Exception);
        }
    }

    /// <summary>
    /// Says a loss once: the first failure of an endpoint, and a refused password once more if another failure came first
    /// (a wrong password's first attempt may be reported as a plain connection failure).
    /// </summary>
    private void Down(string endPoint, ConnectionFailureType failure, Exception? exception)
    {
        var first = _down.TryAdd(endPoint, 0);
        if (failure == ConnectionFailureType.AuthenticationFailure ? _refused.TryAdd(endPoint, 0) : first)
        {
            Lost(endPoint, failure, exception);
        }
    }

    private bool Up(string endPoint)
    {
        _refused.TryRemove(endPoint, out _);
        return _down.TryRemove(endPoint, out _);
    }

    /// <summary>A refused password is a configuration mistake, said at Error with the setting to fix; any other loss is the core's outage to log.</summary>
    private void Lost(string endPoint, ConnectionFailureType failure, Exception? exception)
    {
        if (failure == ConnectionFailureType.AuthenticationFailure)
        {
            Log.AuthenticationFailed(_logger, endPoint);
        }
        else
        {
            Log.ConnectionLost(_logger, endPoint, failure.ToString(), exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is { } endPoint && Up(Format(endPoint)))
        {
            Log.ConnectionRestored(_logger, Format(endPoint));
        }
    }

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Address.IsIPv4MappedToIPv6 ? $"{ip.Address.MapToIPv4()}:{ip.Port}" : ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };
}
