namespace AspNetSessions.Redis;

/// <summary>Options of the Redis session store, bound from <c>SessionAuth:Redis</c>.</summary>
public sealed class RedisSessionStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis-style configuration string, e.g.
    /// <c>127.0.0.1:6379,password=…,user=…,ssl=false,defaultDatabase=0,connectTimeout=5000,syncTimeout=5000</c>.
    /// Unknown keys are an error that names them.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key, to separate apps and environments sharing a server. No braces. Default <c>aspnetsessions:</c>.</summary>
    public string KeyPrefix { get; set; } = "aspnetsessions:";
}
