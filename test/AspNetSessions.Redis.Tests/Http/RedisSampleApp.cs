using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>samples/WebApp switched to Redis by configuration alone, as a user would do it.</summary>
internal static class RedisSampleApp
{
    public static SampleApp Create(string configuration, string? keyPrefix = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "Redis",
            ["SessionAuth:Redis:Configuration"] = configuration,
            ["SessionAuth:Redis:KeyPrefix"] = keyPrefix ?? RedisServerFixture.NewKeyPrefix(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new SampleApp(all, services);
    }

    public static SampleApp Create(RedisServer server, string? keyPrefix = null, IDictionary<string, string?>? settings = null) =>
        Create(server.ConfigurationString, keyPrefix, settings);

    /// <summary>The sample on a cluster with <paramref name="count"/> demo users <c>user0</c>… (password <see cref="DemoPassword"/>), so sessions spread over every shard.</summary>
    public static SampleApp WithDemoUsers(RedisCluster cluster, string keyPrefix, int count) =>
        Create(cluster.ConfigurationString, keyPrefix, DemoUsersSettings(count));

    /// <summary>The settings that add <paramref name="count"/> demo users <c>user0</c>… (password <see cref="DemoPassword"/>) to the sample's.</summary>
    public static Dictionary<string, string?> DemoUsersSettings(int count) =>
        Enumerable.Range(0, count).ToDictionary(i => "DemoUsers:" + DemoUser(i), _ => (string?)DemoPassword);

    /// <summary>The name of demo user <paramref name="i"/> of <see cref="WithDemoUsers"/>.</summary>
    public static string DemoUser(int i) => "user" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public const string DemoPassword = "user-password";
}
