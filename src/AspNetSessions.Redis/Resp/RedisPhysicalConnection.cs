using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// One socket to one server: callers append commands to an in-memory output pipe under a short lock (and their
/// pending entries to a FIFO queue in the same lock, so queue order is wire order); a writer loop drains the pipe to
/// the socket, batching whatever has accumulated; a reader loop parses replies and completes the oldest pending
/// command for each. Any I/O or protocol failure fails the whole connection once, with every pending command.
/// </summary>
internal sealed class RedisPhysicalConnection : IAsyncDisposable
{
    private static readonly RedisArg[] NoArgs = [];

    private readonly Lock _sync = new();
    private readonly Queue<PendingCommand> _pending = new();
    private readonly Pipe _output = new(new PipeOptions(
        pauseWriterThreshold: 0, // never pauses, so FlushAsync completes synchronously inside the lock
        resumeWriterThreshold: 0,
        minimumSegmentSize: 8192,
        useSynchronizationContext: false));

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly TimeProvider _timeProvider;
    private readonly string _endPoint;
    private Action<RedisPhysicalConnection, Exception>? _onFailed;
    private Exception? _failure;
    private long _lastWrite;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;

    private RedisPhysicalConnection(Stream stream, TimeProvider timeProvider, string endPoint)
    {
        _stream = stream;
        _timeProvider = timeProvider;
        _endPoint = endPoint;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _lastWrite = timeProvider.GetTimestamp();
    }

    /// <summary>True once the connection has failed or been disposed.</summary>
    public bool IsFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>Why the connection failed, once it has.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>The RESP version negotiated by the handshake (2 or 3).</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>Opens the socket (and TLS), then starts the reader and writer loops. No handshake.</summary>
    /// <param name="configuration">Where to connect and how.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the attempt (connect timeout, disposal).</param>
    public static async Task<RedisPhysicalConnection> ConnectAsync(
        RedisConfiguration configuration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var endPoint = configuration.EndPoint;
        Socket socket;
        EndPoint target;
        if (IPAddress.TryParse(endPoint.Host, out var address))
        {
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            target = new IPEndPoint(address, endPoint.Port);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: IPv4 and IPv6 answers
            target = new DnsEndPoint(endPoint.Host, endPoint.Port);
        }

        Stream? stream = null;
        try
        {
            socket.NoDelay = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (configuration.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = configuration.SslHost ?? endPoint.Host,
                        RemoteCertificateValidationCallback = configuration.CertificateValidation,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }

        var connection = new RedisPhysicalConnection(stream, timeProvider, endPoint.ToString());
        connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        connection._writeLoop = Task.Run(connection.WriteLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Sets what to call (once) when the connection fails; called at once if it already has.</summary>
    /// <param name="onFailed">The callback.</param>
    public void SetFailureCallback(Action<RedisPhysicalConnection, Exception> onFailed)
    {
        Exception? failure;
        lock (_sync)
        {
            failure = _failure;
            if (failure is null)
            {
                _onFailed = onFailed;
            }
        }

        if (failure is not null)
        {
            onFailed(this, failure);
        }
    }

    /// <summary>
    /// Writes <paramref name="command"/> and queues <paramref name="pending"/> for its reply; false (nothing written)
    /// when the connection has failed.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="pending">Completed with the reply.</param>
    public bool TrySend(in RedisCommand command, PendingCommand pending)
    {
        Exception? writeError = null;
        PendingCommand[]? drained = null;
        lock (_sync)
        {
            if (_failure is not null)
            {
                return false;
            }

            try
            {
                command.WriteTo(_output.Writer);
            }
            catch (Exception ex)
            {
                // A half-written command would desynchronise the stream: this connection is done.
                writeError = ex;
                FailLocked(new RedisConnectionException($"Writing a command for Redis at {_endPoint} failed.", ex), out drained);
            }

            if (writeError is null)
            {
                var now = _timeProvider.GetTimestamp();
                pending.SentTimestamp = now;
                _lastWrite = now;
                _pending.Enqueue(pending);
                var flush = _output.Writer.FlushAsync();
                if (!flush.IsCompleted)
                {
                    // Cannot happen with pauseWriterThreshold 0; observe it anyway rather than drop a pending ValueTask.
                    _ = flush.AsTask();
                }
            }
        }

        if (writeError is not null)
        {
            pending.Abandon();
            Completed(drained!, _failure!);
            ExceptionDispatchInfo.Throw(writeError);
        }

        return true;
    }

    /// <summary>Sends a <c>PING</c> whose reply nobody awaits, when nothing has been written for <paramref name="idle"/>.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="idle">How long without writes counts as idle.</param>
    public void PingIfIdle(long now, TimeSpan idle)
    {
        if (_timeProvider.GetElapsedTime(Volatile.Read(ref _lastWrite), now) < idle)
        {
            return;
        }

        var ping = PendingCommand.Rent("PING", hasCaller: false);
        if (!TrySend(new RedisCommand("PING", NoArgs), ping))
        {
            ping.Abandon();
        }
    }

    /// <summary>Fails the connection when its oldest pending command has waited longer than <paramref name="timeout"/>.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="timeout">The command timeout.</param>
    public void CheckTimeout(long now, TimeSpan timeout)
    {
        PendingCommand[] drained;
        Exception primary;
        lock (_sync)
        {
            if (_failure is not null || !_pending.TryPeek(out var oldest)
                || _timeProvider.GetElapsedTime(oldest.SentTimestamp, now) < timeout)
            {
                return;
            }

            var ms = (long)timeout.TotalMilliseconds;
            var timedOut = new RedisTimeoutException(
                $"Redis at {_endPoint} did not answer {oldest.Command} within {ms} ms; the connection is being re-established.");
            var reset = new RedisConnectionException(
                $"The connection to Redis at {_endPoint} was reset because an earlier command got no reply within {ms} ms.", timedOut);
            primary = timedOut;
            FailLocked(timedOut, out drained);

            // Commands that waited the whole timeout themselves report a timeout; younger ones report the reset.
            foreach (var pending in drained)
            {
                pending.TrySetException(_timeProvider.GetElapsedTime(pending.SentTimestamp, now) >= timeout ? timedOut : reset);
            }
        }

        Completed(drained, primary);
    }

    /// <summary>Fails the connection (once): every pending command fails with <paramref name="exception"/>.</summary>
    /// <param name="exception">Why.</param>
    public void Fail(Exception exception)
    {
        PendingCommand[] drained;
        lock (_sync)
        {
            if (_failure is not null)
            {
                return;
            }

            FailLocked(exception, out drained);
        }

        Completed(drained, exception);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Fail(new RedisConnectionException($"The connection to Redis at {_endPoint} was closed."));
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loops report through Fail; nothing more to do here.
        }
    }

    private void FailLocked(Exception exception, out PendingCommand[] drained)
    {
        _failure = exception;
        drained = _pending.Count == 0 ? [] : _pending.ToArray();
        _pending.Clear();
        _output.Writer.Complete();
    }

    private void Completed(PendingCommand[] drained, Exception exception)
    {
        foreach (var pending in drained)
        {
            pending.TrySetException(exception);
            pending.ReleaseFromQueue();
        }

        // Closing the stream ends both loops.
        try
        {
            _stream.Dispose();
        }
        catch (Exception)
        {
            // Already broken; disposal errors add nothing.
        }

        Action<RedisPhysicalConnection, Exception>? onFailed;
        lock (_sync)
        {
            onFailed = _onFailed;
            _onFailed = null;
        }

        onFailed?.Invoke(this, exception);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RespReader.TryRead(buffer, out var value, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    Dispatch(in value);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Fail(new RedisConnectionException(buffer.IsEmpty
                        ? $"Redis at {_endPoint} closed the connection."
                        : $"Redis at {_endPoint} closed the connection in the middle of a reply."));
                    break;
                }
            }
        }
        catch (RedisConnectionException ex)
        {
            Fail(ex);
        }
        catch (Exception ex)
        {
            Fail(new RedisConnectionException($"Reading from Redis at {_endPoint} failed: {ex.Message}", ex));
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(in RespValue value)
    {
        if (value.Kind == RespKind.Push)
        {
            return; // RESP3 out-of-band data (e.g. invalidations): not the reply to any command.
        }

        PendingCommand? pending;
        lock (_sync)
        {
            _pending.TryDequeue(out pending);
        }

        if (pending is null)
        {
            throw new RedisProtocolException($"Redis at {_endPoint} sent a reply that no command was waiting for.");
        }

        if (value.IsError)
        {
            pending.TrySetException(new RedisServerException(value.AsString() ?? "ERR"));
        }
        else
        {
            pending.TrySetResult(value);
        }

        pending.ReleaseFromQueue();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                }

                await _stream.FlushAsync().ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(new RedisConnectionException($"Writing to Redis at {_endPoint} failed: {ex.Message}", ex));
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
