using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>The PostgreSQL change channel's own log events (ids 1601-1699; live and lost are the core's 1304/1305). Session ids and kinds at most; never a token or a digest.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1604, EventName = "PostgreSqlChangeTriggersInstalled", Level = LogLevel.Information,
        Message = "Installed the change-announcing triggers on {Count} session table(s).")]
    public static partial void TriggersInstalled(ILogger logger, int count);
}
