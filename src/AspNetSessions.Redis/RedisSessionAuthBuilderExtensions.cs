using AspNetSessions;
using AspNetSessions.Stores;
using AspNetSessions.Redis;
using AspNetSessions.Redis.Resp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis session store.</summary>
public static class RedisSessionAuthBuilderExtensions
{
    /// <summary>
    /// Adds the Redis store, configured from <c>SessionAuth:Redis</c> and then <paramref name="configure"/>.
    /// It is used when <c>SessionAuth:Store</c> is <c>Redis</c>, or when <c>SessionAuth:Store</c> is not set
    /// (the store added last wins). Its options are validated at startup only when it is the store in use.
    /// Connecting is lazy: the app starts even while Redis is down, and requests answer 503 until it is back.
    /// </summary>
    /// <param name="builder">The result of <c>AddSessionAuth()</c>.</param>
    /// <param name="configure">Configures the store after binding, or <see langword="null"/>.</param>
    public static SessionAuthBuilder AddRedisStore(this SessionAuthBuilder builder, Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RedisStoreMarker)))
        {
            return builder;
        }

        services.AddSingleton<RedisStoreMarker>();
        var path = builder.Configuration is IConfigurationSection section ? $"{section.Path}:Redis" : null;
        builder.BindSection<RedisSessionStoreOptions>("Redis");
        var options = services.AddOptions<RedisSessionStoreOptions>();

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisSessionStoreOptions>>(
            sp => new RedisSessionStoreOptionsValidator(path, sp.GetRequiredService<SessionStoreSelection>()));

        return builder.AddStore(RedisSessionStoreOptionsValidator.StoreName, static sp =>
        {
            var o = sp.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
            // Network timers (timeouts, heartbeats) run on real time, whatever clock the app's sessions use.
            var client = new RedisClient(RedisConfiguration.Parse(o.Configuration!), sp.GetRequiredService<ILoggerFactory>().CreateLogger("AspNetSessions.Redis"), TimeProvider.System);
            return new RedisSessionStore(client, o.KeyPrefix);
        });
    }

    private sealed class RedisStoreMarker;
}
