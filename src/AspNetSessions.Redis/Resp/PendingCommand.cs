using System.Threading.Tasks.Sources;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// A command waiting for its reply: a pooled <see cref="IValueTaskSource{TResult}"/>, so a command costs no
/// allocation of its own. Continuations always run asynchronously, never on the reader loop.
/// </summary>
/// <remarks>
/// Two parties may hold it: the FIFO queue of the connection (until the reply is matched or the connection fails)
/// and the caller (until it has read the result). It goes back to the pool when both have let go, which is what makes
/// a caller's early cancellation safe while its reply is still on the way.
/// </remarks>
internal sealed class PendingCommand : IValueTaskSource<RespValue>
{
    private const int PoolSize = 256;
    private static readonly PendingCommand?[] Pool = new PendingCommand?[PoolSize];

    private ManualResetValueTaskSourceCore<RespValue> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _completed;
    private int _owners;

    /// <summary>The command name, for timeout messages.</summary>
    public string Command { get; private set; } = string.Empty;

    /// <summary>When the command was written (a <see cref="TimeProvider"/> timestamp).</summary>
    public long SentTimestamp { get; set; }

    /// <summary>The awaitable result for the caller.</summary>
    public ValueTask<RespValue> Task => new(this, _core.Version);

    /// <summary>Takes a command from the pool.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="hasCaller">False for internal fire-and-forget commands (heartbeat <c>PING</c>).</param>
    public static PendingCommand Rent(string command, bool hasCaller)
    {
        PendingCommand? item = null;
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Volatile.Read(ref Pool[i]) is not null && (item = Interlocked.Exchange(ref Pool[i], null)) is not null)
            {
                break;
            }
        }

        item ??= new PendingCommand();
        item.Command = command;
        item._completed = 0;
        item._owners = hasCaller ? 2 : 1;
        return item;
    }

    /// <summary>Completes the caller's task with an exception when <paramref name="cancellationToken"/> fires first.</summary>
    /// <param name="cancellationToken">The caller's token.</param>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingCommand)state!).TrySetException(new OperationCanceledException(token)),
                this);
        }
    }

    /// <summary>Completes with a reply unless already completed.</summary>
    /// <param name="value">The reply.</param>
    public bool TrySetResult(in RespValue value)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetResult(value);
        return true;
    }

    /// <summary>Completes with a failure unless already completed.</summary>
    /// <param name="exception">The failure.</param>
    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>The queue lets go (after completing the command).</summary>
    public void ReleaseFromQueue() => Release();

    /// <summary>The command was never queued nor handed to a caller: straight back to the pool.</summary>
    public void Abandon()
    {
        _owners = 0;
        Return();
    }

    /// <inheritdoc />
    public RespValue GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
            Release();
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            Return();
        }
    }

    private void Return()
    {
        _core.Reset();
        Command = string.Empty;
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Volatile.Read(ref Pool[i]) is null && Interlocked.CompareExchange(ref Pool[i], this, null) is null)
            {
                return;
            }
        }
    }
}
