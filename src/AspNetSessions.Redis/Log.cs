using Microsoft.Extensions.Logging;

namespace AspNetSessions.Redis;

/// <summary>
/// The Redis store's log messages. Event ids are stable (listed in docs/observability.md). Messages name endpoints, keys and
/// reasons: never a password, a token or a digest.
/// </summary>
internal static partial class Log
{
    // Per endpoint, at Debug: the outage itself is logged once by the core (1302 when it begins, 1303 when it ends); these
    // say which node of a cluster or replica set went away and came back.
    [LoggerMessage(EventId = 1402, EventName = "RedisConnectionLost", Level = LogLevel.Debug,
        Message = "Lost the connection to Redis at {EndPoint} ({FailureType}); session requests answer 503 until it is restored.")]
    public static partial void ConnectionLost(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 1403, EventName = "RedisConnectionRestored", Level = LogLevel.Debug,
        Message = "The connection to Redis at {EndPoint} is restored.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 1410, EventName = "RedisAuthenticationFailed", Level = LogLevel.Error,
        Message = "Redis at {EndPoint} refused the credentials: check password= (and user=) in the Redis configuration (SessionAuth:Redis:Configuration, or ConfigurationOptions in code). Session requests answer 503 until they are accepted.")]
    public static partial void AuthenticationFailed(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 1407, EventName = "RedisDamagedData", Level = LogLevel.Error,
        Message = "Redis key {Key} is damaged ({Reason}); it is refused, never authenticated.")]
    public static partial void DamagedData(ILogger logger, string key, string reason);
}
