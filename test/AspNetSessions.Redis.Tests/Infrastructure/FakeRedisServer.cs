using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// A loopback TCP server that speaks just enough RESP to misbehave on purpose: it parses each command and asks a
/// handler what to send back (raw bytes, nothing at all, or a closed connection).
/// </summary>
internal sealed class FakeRedisServer : IAsyncDisposable
{
    /// <summary>Returned by a handler to say nothing (the command stays unanswered).</summary>
    public static readonly byte[] Silence = [];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string[], byte[]?> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _connections;

    /// <summary>Starts listening.</summary>
    /// <param name="handler">Maps a command (name first) to the bytes to answer, <see cref="Silence"/>, or null to close the connection.</param>
    public FakeRedisServer(Func<string[], byte[]?> handler)
    {
        _handler = handler;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string ConfigurationString => $"127.0.0.1:{Port}";

    public int Connections
    {
        get
        {
            lock (_waiters)
            {
                return _connections;
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> connections have been accepted in total.</summary>
    public Task WaitForConnectionsAsync(int count)
    {
        lock (_waiters)
        {
            if (_connections >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>A handler that answers the handshake like a RESP3 server and delegates everything else.</summary>
    public static Func<string[], byte[]?> AfterHandshake(Func<string[], byte[]?> other) => command => command[0].ToUpperInvariant() switch
    {
        "HELLO" => "%1\r\n+server\r\n+fake\r\n"u8.ToArray(),
        "SELECT" or "AUTH" => "+OK\r\n"u8.ToArray(),
        _ => other(command),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            lock (_waiters)
            {
                _connections++;
                foreach (var waiter in _waiters.Where(w => w.Count <= _connections).ToList())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var reader = PipeReader.Create(stream);
            while (!_stop.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (TryReadCommand(ref buffer, out var parts))
                {
                    var reply = _handler(parts);
                    if (reply is null)
                    {
                        client.Dispose();
                        return;
                    }

                    if (reply.Length > 0)
                    {
                        await stream.WriteAsync(reply, _stop.Token);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // The client went away or the server is stopping.
        }
    }

    /// <summary>Reads one client command (a RESP array of bulk strings) from the front of the buffer.</summary>
    private static bool TryReadCommand(ref ReadOnlySequence<byte> buffer, out string[] parts)
    {
        parts = [];
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadLine(ref reader, out var header) || header.Length < 2 || header[0] != '*')
        {
            return false;
        }

        var count = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadLine(ref reader, out var length) || length.Length < 2 || length[0] != '$')
            {
                return false;
            }

            var size = int.Parse(length.AsSpan(1), CultureInfo.InvariantCulture);
            if (reader.Remaining < size + 2)
            {
                return false;
            }

            var bytes = new byte[size];
            reader.TryCopyTo(bytes);
            reader.Advance(size + 2);
            result[i] = Encoding.UTF8.GetString(bytes);
        }

        parts = result;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out string line)
    {
        line = string.Empty;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n"u8))
        {
            return false;
        }

        line = Encoding.ASCII.GetString(bytes);
        return true;
    }

    /// <summary>Encodes text as a RESP bulk string.</summary>
    public static byte[] Bulk(string text) => Encoding.UTF8.GetBytes($"${Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n");
}
