using AspNetSessions;
using AspNetSessions.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis session store.</summary>
public static class RedisSessionAuthBuilderExtensions
{
    /// <summary>
    /// Adds the Redis store, configured from <c>SessionAuth:Redis</c>.
    /// It is used when <c>SessionAuth:Store</c> is <c>Redis</c>, or when <c>SessionAuth:Store</c> is not set
    /// (the store added last wins). Its options are validated at startup only when it is the store in use.
    /// Connecting is lazy: the app starts even while Redis is down, and requests answer 503 until it is back.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    public static SessionAuthBuilder AddRedisStore(this SessionAuthBuilder builder) => AddRedisStoreCore(builder, configure: null);

    /// <summary>
    /// Adds the Redis store, configured from <c>SessionAuth:Redis</c> and then <paramref name="configure"/>.
    /// Calling it again adds further configuration to the same store.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="configure">Configures the store after binding.</param>
    public static SessionAuthBuilder AddRedisStore(this SessionAuthBuilder builder, Action<RedisSessionStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddRedisStoreCore(builder, configure);
    }

    /// <summary>
    /// Adds the Redis store on the app's own multiplexer (the one its cache, pub/sub or .NET Aspire registered),
    /// which the store shares and never disposes. Other options still come from <c>SessionAuth:Redis</c>.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="multiplexer">The app's multiplexer.</param>
    /// <remarks>For more options in code, call the other overload as well: both configure the same store.</remarks>
    public static SessionAuthBuilder AddRedisStore(this SessionAuthBuilder builder, IConnectionMultiplexer multiplexer)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        return AddRedisStoreCore(builder, o => o.ConnectionMultiplexerFactory = () => Task.FromResult(multiplexer));
    }

    private static SessionAuthBuilder AddRedisStoreCore(SessionAuthBuilder builder, Action<RedisSessionStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var first = !services.Any(d => d.ServiceType == typeof(RedisBackend));
        if (first)
        {
            // Bound first, so code (configure) wins over configuration.
            builder.BindSection<RedisSessionStoreOptions>("Redis");
        }

        var options = services.AddOptions<RedisSessionStoreOptions>();

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!first)
        {
            return builder;
        }

        services.AddSingleton(static sp => new RedisBackend(sp.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("AspNetSessions.Redis"), sp.GetService<TimeProvider>()));
        var path = builder.Configuration is IConfigurationSection section ? $"{section.Path}:Redis" : null;
        return builder
            .ValidateStoreOptions(RedisSessionStoreOptionsValidator.StoreName, _ => new RedisSessionStoreOptionsValidator(path))
            .AddStore(RedisSessionStoreOptionsValidator.StoreName, static sp => sp.GetRequiredService<RedisBackend>().Store())
            .AddChangeFeed(RedisSessionStoreOptionsValidator.StoreName, static sp => sp.GetRequiredService<RedisBackend>().ChangeFeed());
    }

    /// <summary>
    /// What the store and its change feed share: one connection (released by the store) and the key prefix, whose
    /// channel the store's scripts publish to.
    /// </summary>
    private sealed class RedisBackend(RedisSessionStoreOptions options, ILogger logger, TimeProvider? time)
    {
        private readonly RedisConnection _connection = new(options, logger, time);

        public RedisSessionStore Store() => new(_connection, options.KeyPrefix, logger);

        public RedisSessionChannel ChangeFeed() => new(_connection, RedisInvalidationMessages.Channel(options.KeyPrefix), logger);
    }
}
