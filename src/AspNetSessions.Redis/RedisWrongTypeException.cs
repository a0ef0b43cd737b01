using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>A key of the store held another type (<c>WRONGTYPE</c>): damaged data, refused and logged by the caller.</summary>
internal sealed class RedisWrongTypeException(RedisServerException inner) : Exception("a key holds the wrong type (WRONGTYPE)", inner);
