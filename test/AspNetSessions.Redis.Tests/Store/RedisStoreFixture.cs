using AspNetSessions.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Redis.Tests.Store;

/// <summary>A Redis session store on a test server (or cluster), under a key prefix no other test uses.</summary>
internal sealed class RedisStoreUnderTest : IAsyncDisposable
{
    /// <summary>
    /// The command timeout of a store under test that names none. The library's 1 s default is a production bound; on
    /// CI's 2 shared cores, while fixtures start their processes, a command once took longer (a near-cache test's
    /// update, 39 s into a run) and the store answered unavailable. Tests of timeouts and faults pass their own.
    /// </summary>
    public static readonly TimeSpan UnhurriedCommandTimeout = TimeSpan.FromSeconds(5);

    public RedisStoreUnderTest(RedisServer server, ILogger? logger = null, TimeSpan? commandTimeout = null)
        : this(server.ConfigurationString, logger, commandTimeout)
    {
    }

    public RedisStoreUnderTest(string configuration, ILogger? logger = null, TimeSpan? commandTimeout = null)
    {
        KeyPrefix = RedisServerFixture.NewKeyPrefix();
        var options = new RedisSessionStoreOptions { Configuration = configuration, KeyPrefix = KeyPrefix, CommandTimeout = commandTimeout ?? UnhurriedCommandTimeout };

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
