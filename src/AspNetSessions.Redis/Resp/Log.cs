using Microsoft.Extensions.Logging;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The client's log messages. Event ids are stable. Messages name the endpoint and, at most, a command name: never a
/// password, a key or any other command argument.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1401, EventName = "RedisConnected", Level = LogLevel.Information,
        Message = "Connected to Redis at {EndPoint} (RESP{Protocol}).")]
    public static partial void Connected(ILogger logger, string endPoint, int protocol);

    [LoggerMessage(EventId = 1402, EventName = "RedisConnectionLost", Level = LogLevel.Warning,
        Message = "Lost the connection to Redis at {EndPoint}; commands fail fast until it is re-established in the background.")]
    public static partial void ConnectionLost(ILogger logger, string endPoint, Exception exception);

    [LoggerMessage(EventId = 1403, EventName = "RedisReconnected", Level = LogLevel.Information,
        Message = "Reconnected to Redis at {EndPoint} after {Attempts} attempt(s) and {DowntimeMs} ms (RESP{Protocol}).")]
    public static partial void Reconnected(ILogger logger, string endPoint, int attempts, long downtimeMs, int protocol);

    [LoggerMessage(EventId = 1404, EventName = "RedisConnectFailed", Level = LogLevel.Warning,
        Message = "Could not connect to Redis at {EndPoint}; commands fail fast while it is retried in the background.")]
    public static partial void ConnectFailed(ILogger logger, string endPoint, Exception exception);

    [LoggerMessage(EventId = 1405, EventName = "RedisReconnectAttemptFailed", Level = LogLevel.Debug,
        Message = "Reconnect attempt {Attempt} to Redis at {EndPoint} failed.")]
    public static partial void ReconnectAttemptFailed(ILogger logger, int attempt, string endPoint, Exception exception);

    [LoggerMessage(EventId = 1406, EventName = "RedisProtocolFallback", Level = LogLevel.Debug,
        Message = "Redis at {EndPoint} does not support HELLO 3; using RESP2 with AUTH and CLIENT SETNAME.")]
    public static partial void ProtocolFallback(ILogger logger, string endPoint);
}
