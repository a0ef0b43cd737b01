using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// Which failures of a Redis call mean "no answer we can trust now": all of them become
/// <see cref="SessionStoreUnavailableException"/> (503 with Retry-After), never a 500.
/// </summary>
internal static class RedisFailures
{
    /// <summary>
    /// True for an outage: no connection (<see cref="RedisConnectionException"/>), a timeout (ours, or
    /// <see cref="RedisTimeoutException"/>, which is a <see cref="TimeoutException"/> and not a
    /// <see cref="RedisException"/>), any error reply (<c>LOADING</c>, <c>BUSY</c>, <c>READONLY</c>,
    /// <c>MASTERDOWN</c>, <c>CLUSTERDOWN</c>, <c>TRYAGAIN</c>, <c>NOREPLICAS</c>, <c>OOM</c>, <c>NOAUTH</c>, …), or a
    /// multiplexer disposed under us. A caller's own cancellation is not, and neither is a programming error
    /// (a configuration or factory that fails is turned into an outage where the connection is made, in <c>RedisConnection</c>).
    /// </summary>
    public static bool IsUnavailable(Exception e, CancellationToken cancellationToken) =>
        e switch
        {
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            RedisException or TimeoutException or ObjectDisposedException or System.Net.Sockets.SocketException or IOException => true,
            _ => false,
        };

    public static SessionStoreUnavailableException Unavailable(Exception e) => new(Describe(e), e);

    private static string Describe(Exception e) => e switch
    {
        RedisServerException server => $"Redis answered '{server.Kind}': {FirstWord(server.Message)}; the store is treated as unavailable.",
        TimeoutException => "Redis did not answer in time; the store is treated as unavailable.",
        RedisConnectionException connection => $"Redis is not connected ({connection.FailureType}).",
        _ => "Redis is unavailable: " + e.GetType().Name,
    };

    // The error code only: the rest of a server message may quote script text or arguments.
    private static string FirstWord(string message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? message : message[..space];
    }
}
