using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>The PostgreSQL change channel's log events (ids 1601-1699). Session ids and kinds at most; never a token or a digest.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1601, EventName = "PostgreSqlChangeChannelLost", Level = LogLevel.Warning,
        Message = "Stopped listening to the PostgreSQL change channel {Channel} ({Reason}); the near-cache is flushed and bypassed until it is back.")]
    public static partial void ChannelLost(ILogger logger, string channel, string reason, Exception exception);

    [LoggerMessage(EventId = 1602, EventName = "PostgreSqlChangeChannelListening", Level = LogLevel.Information,
        Message = "Listening to the PostgreSQL change channel {Channel}; the near-cache is in use.")]
    public static partial void ChannelListening(ILogger logger, string channel);

    [LoggerMessage(EventId = 1603, EventName = "PostgreSqlListenFailed", Level = LogLevel.Warning,
        Message = "Cannot listen to the PostgreSQL change channel {Channel}; the near-cache is bypassed until it can (retrying).")]
    public static partial void ListenFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 1604, EventName = "PostgreSqlChangeTriggersInstalled", Level = LogLevel.Information,
        Message = "Installed the change-announcing triggers on {Count} session table(s).")]
    public static partial void TriggersInstalled(ILogger logger, int count);
}
