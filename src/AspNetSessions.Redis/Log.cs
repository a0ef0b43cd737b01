using Microsoft.Extensions.Logging;

namespace AspNetSessions.Redis;

/// <summary>
/// The Redis store's log messages. Event ids are stable (listed in the README). Messages name endpoints, keys and
/// reasons: never a password, a token or a digest.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1402, EventName = "RedisConnectionLost", Level = LogLevel.Warning,
        Message = "Lost the connection to Redis at {EndPoint} ({FailureType}); session requests answer 503 until it is restored.")]
    public static partial void ConnectionLost(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 1403, EventName = "RedisConnectionRestored", Level = LogLevel.Information,
        Message = "The connection to Redis at {EndPoint} is restored.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 1407, EventName = "RedisDamagedData", Level = LogLevel.Error,
        Message = "Redis key {Key} is damaged ({Reason}); it is refused, never authenticated.")]
    public static partial void DamagedData(ILogger logger, string key, string reason);
}
