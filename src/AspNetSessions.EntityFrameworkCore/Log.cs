using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>The EF Core store's log events (ids 1504-1599; 1501-1503 are retired: an outage is logged by the core, 1302/1303). Never a token or a digest; session ids and kinds only.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1504, EventName = "RowRefused", Level = LogLevel.Error,
        Message = "Refused the stored session {SessionId} of kind {Kind}: {Problem}.")]
    public static partial void RowRefused(ILogger logger, string sessionId, string kind, string problem);

    [LoggerMessage(EventId = 1505, EventName = "PrunerDeleted", Level = LogLevel.Debug,
        Message = "Session pruner deleted {Count} expired sessions from {Table}.")]
    public static partial void PrunerDeleted(ILogger logger, long count, string table);

    [LoggerMessage(EventId = 1506, EventName = "PrunerFailed", Level = LogLevel.Warning,
        Message = "Session pruner run failed; it tries again at its next interval.")]
    public static partial void PrunerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1507, EventName = "SlideContended", Level = LogLevel.Debug,
        Message = "Session {SessionId} changed under a write {Attempts} times in a row.")]
    public static partial void Contended(ILogger logger, string sessionId, int attempts);

    [LoggerMessage(EventId = 1508, EventName = "DatabaseMisconfigured", Level = LogLevel.Error,
        Message = "The session database is not set up: {Problem} Requests that need it are answered 503 until it is.")]
    public static partial void DatabaseMisconfigured(ILogger logger, string problem);
}
