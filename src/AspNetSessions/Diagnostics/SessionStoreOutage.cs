using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;

namespace AspNetSessions;

/// <summary>
/// Logs a store outage once when it begins and once when it ends, however many requests and health checks meet it in
/// between (each of those logs at Debug, if at all). Every place that meets <see cref="SessionStoreUnavailableException"/>
/// reports it here; every successful store call reports that the store answers.
/// </summary>
internal sealed partial class SessionStoreOutage(TimeProvider time, ILogger<SessionStoreOutage> logger, SessionStoreSelection? selection = null)
{
    private readonly Lock _gate = new();
    private long _downSince; // timestamp of the first failure of the current outage; 0 while the store answers

    /// <summary>Whether an outage is in progress (cheap: read on every successful store call).</summary>
    public bool IsDown => Volatile.Read(ref _downSince) != 0;

    public void Failed(Exception error)
    {
        if (IsDown)
        {
            return;
        }

        lock (_gate)
        {
            if (_downSince != 0)
            {
                return;
            }

            Volatile.Write(ref _downSince, Math.Max(1, time.GetTimestamp()));
        }

        Log.Unavailable(logger, StoreName, error.Message);
    }

    public void Answered()
    {
        if (!IsDown)
        {
            return;
        }

        long since;
        lock (_gate)
        {
            since = _downSince;
            if (since == 0)
            {
                return;
            }

            Volatile.Write(ref _downSince, 0);
        }

        Log.Recovered(logger, StoreName, time.GetElapsedTime(since).TotalSeconds);
    }

    private string StoreName => selection?.SelectedStore ?? "configured";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1302, EventName = "SessionStoreUnavailable", Level = LogLevel.Warning,
            Message = "The {Store} session store is unavailable: {Reason} Requests that need it are answered 503 until it answers again.")]
        public static partial void Unavailable(ILogger logger, string store, string reason);

        [LoggerMessage(EventId = 1303, EventName = "SessionStoreRecovered", Level = LogLevel.Information,
            Message = "The {Store} session store answers again after {Seconds:0.0} s.")]
        public static partial void Recovered(ILogger logger, string store, double seconds);
    }
}
