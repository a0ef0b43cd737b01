using AspNetSessions.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Redis.Tests.Store;

/// <summary>A Redis session store on a test server (or cluster), under a key prefix no other test uses.</summary>
internal sealed class RedisStoreUnderTest : IAsyncDisposable
{
    public RedisStoreUnderTest(RedisServer server, ILogger? logger = null, TimeSpan? commandTimeout = null)
        : this(server.ConfigurationString, logger, commandTimeout)
    {
    }

    public RedisStoreUnderTest(string configuration, ILogger? logger = null, TimeSpan? commandTimeout = null)
    {
        KeyPrefix = RedisServerFixture.NewKeyPrefix();
        var options = new RedisSessionStoreOptions { Configuration = configuration, KeyPrefix = KeyPrefix };
        if (commandTimeout is { } timeout)
        {
            options.CommandTimeout = timeout;
        }

        logger ??= NullLogger.Instance;
        Store = new RedisSessionStore(new RedisConnection(options, logger), KeyPrefix, logger);
    }

    public RedisStoreUnderTest(RedisSessionStoreOptions options, ILogger? logger = null)
    {
        KeyPrefix = options.KeyPrefix;
        logger ??= NullLogger.Instance;
        Store = new RedisSessionStore(new RedisConnection(options, logger), KeyPrefix, logger);
    }

    public string KeyPrefix { get; }

    public RedisSessionStore Store { get; }

    /// <summary>The store's change feed, on its connection, as <c>AddRedisStore</c> registers it beside the store.</summary>
    public RedisSessionChannel ChangeFeed() => new(Store.Connection, RedisInvalidationMessages.Channel(KeyPrefix), NullLogger.Instance);

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
