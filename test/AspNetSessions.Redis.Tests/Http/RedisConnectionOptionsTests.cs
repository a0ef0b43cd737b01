using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>How apps connect: configuration strings and URIs, ConfigurationOptions, the app's own multiplexer, bad values refused at startup.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConnectionOptionsTests(RedisServerFixture redis)
{
    [Theory]
    [InlineData("redis://127.0.0.1:{port}")]
    [InlineData("redis://127.0.0.1:{port}/0")]
    [InlineData("127.0.0.1:{port},defaultDatabase=0,abortConnect=true")]
    public async Task A_configuration_string_or_a_redis_uri_connects(string configuration)
    {
        using var app = RedisSampleApp.Create(configuration.Replace("{port}", redis.Server.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var client = app.Client();
        var login = await client.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }

    [Theory]
    [InlineData("http://127.0.0.1:6379", "only redis:// and rediss://")]
    [InlineData("redis://127.0.0.1:6379?ssl=true", "no query")]
    [InlineData("redis://127.0.0.1:6379/zero", "database number")]
    [InlineData("localhost:notaport", "'localhost:notaport' has no valid port")]
    [InlineData("127.0.0.1:6379,127.0.0.1:70000,password=x", "'127.0.0.1:70000' has no valid port")]
    [InlineData("[::1]:port", "'[::1]:port' has no valid port")]
    [InlineData("127.0.0.1:6379,connectTimout=5000", "'connectTimout' is not a StackExchange.Redis option. Did you mean 'connectTimeout'?")]
    [InlineData("127.0.0.1:6379,pasword=secret", "'pasword' is not a StackExchange.Redis option. Did you mean 'password'?")]
    public void A_uri_that_cannot_be_understood_stops_startup_naming_the_key_and_the_expected_form(string configuration, string reason)
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(configuration));
        var message = errors.OfType<OptionsValidationException>().First().Failures.Single(m => m.Contains("SessionAuth:Redis:Configuration", StringComparison.Ordinal));
        Assert.Contains(reason, message, StringComparison.Ordinal);
        // The expected form, said once.
        Assert.Single(message.Split("host:port[,password=", StringSplitOptions.None)[1..]);
    }

    [Theory]
    [InlineData("SessionAuth:Redis:Configuraton", "Did you mean SessionAuth:Redis:Configuration?")]
    [InlineData("SessionAuth:Redis:CommandTimout", "Did you mean SessionAuth:Redis:CommandTimeout?")]
    [InlineData("SessionAuth:Redis:RevocationReplica", "Did you mean SessionAuth:Redis:RevocationReplicas?")]
    public void A_misspelled_redis_option_stops_startup_with_the_key_that_was_meant(string key, string hint)
    {
        // As a user makes the mistake: the misspelled key is the only Redis setting.
        var errors = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?> { ["SessionAuth:Store"] = "Redis", [key] = "00:00:01" }));

        var failures = errors.OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct().ToArray();
        Assert.Single(failures, f => f.StartsWith(key + " is not a setting", StringComparison.Ordinal) && f.EndsWith(hint, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("app{1}:")]
    [InlineData("app}:")]
    public void A_key_prefix_with_braces_stops_startup(string prefix)
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(redis.Server.ConfigurationString, prefix));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:Redis:KeyPrefix", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_command_timeout_stops_startup_naming_the_key()
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(redis.Server.ConfigurationString, settings: new Dictionary<string, string?> { ["SessionAuth:Redis:CommandTimeout"] = "-00:00:01" }));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:Redis:CommandTimeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RevocationReplicas", "-1")]
    [InlineData("RevocationReplicas", "101")]
    [InlineData("RevocationReplicaTimeout", "00:00:00")]
    [InlineData("RevocationReplicaTimeout", "00:05:00")]
    public void A_bad_revocation_replica_setting_stops_startup_naming_the_key(string option, string value)
    {
        var errors = SampleApp.StartupFailure(() => RedisSampleApp.Create(redis.Server.ConfigurationString, settings: new Dictionary<string, string?> { ["SessionAuth:Redis:" + option] = value }));
        Assert.Contains(errors, e => e.Message.Contains("SessionAuth:Redis:" + option, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_apps_own_multiplexer_is_shared_and_never_disposed_by_the_store()
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConfigurationString);
        var prefix = RedisServerFixture.NewKeyPrefix();
        using (var app = new SampleApp(
            new Dictionary<string, string?> { ["SessionAuth:Store"] = "Redis", ["SessionAuth:Redis:KeyPrefix"] = prefix },
            s => s.Configure<RedisSessionStoreOptions>(o => o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(multiplexer))))
        using (var client = app.Client())
        {
            var login = await client.LoginAsync();
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        // The app (and its store) are gone; the multiplexer is still the app's and still works.
        Assert.True(multiplexer.IsConnected);
        Assert.Equal(1, await multiplexer.GetDatabase().KeyExistsAsync(new RedisKey[] { $"{prefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:u:alice" }));
    }

    [Fact]
    public async Task Configuration_options_are_cloned_never_changed()
    {
        var options = ConfigurationOptions.Parse(redis.Server.ConfigurationString);
        var before = options.ToString(includePassword: true);
        await using var store = new Store.RedisStoreUnderTest(new RedisSessionStoreOptions { ConfigurationOptions = options, KeyPrefix = RedisServerFixture.NewKeyPrefix() });

        await store.Store.PingAsync(default);

        Assert.Equal(before, options.ToString(includePassword: true));
        Assert.True(options.AbortOnConnectFail);
    }

    [Fact]
    public async Task Connection_lost_and_restored_are_logged_once_per_outage()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        var logs = new CapturingLoggerProvider();
        using var app = RedisSampleApp.Create(server.ConfigurationString, settings: new Dictionary<string, string?> { ["Logging:LogLevel:AspNetSessions.Redis"] = "Debug" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.Client();
        var login = await client.LoginAsync();

        await server.StopAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        await server.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
        await Eventually.HoldsAsync(() => logs.Lines.Any(l => l.Contains("AspNetSessions.Redis[1403]", StringComparison.Ordinal)));

        // The outage, once each way, by the core; which endpoint went and came back, at Debug, by the store.
        Assert.Single(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("[1302]", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("[1303]", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.StartsWith("Debug AspNetSessions.Redis[1402]", StringComparison.Ordinal)); // lost
        Assert.Single(logs.Lines, l => l.StartsWith("Debug AspNetSessions.Redis[1403]", StringComparison.Ordinal)); // restored
    }
}
