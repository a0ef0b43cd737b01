using System.Net;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Tests.Http;

/// <summary>The sample's configuration: bad values stop startup with a message naming the key; environment variables override.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("SessionAuth:IdleTimeout", "-00:10:00", "SessionAuth:IdleTimeout")]
    [InlineData("SessionAuth:IdleTimeout", "banana", "SessionAuth:IdleTimeout")]
    [InlineData("SessionAuth:Store", "Postgres", "SessionAuth:Store")]
    [InlineData("SessionAuth:TokenPrefix", "Not Valid", "SessionAuth:TokenPrefix")]
    [InlineData("SessionAuth:Kinds:ApiKey:TokenPrefix", "sess", "SessionAuth:Kinds:ApiKey:TokenPrefix")]
    [InlineData("SessionAuth:Kinds:ApiKey:AbsoluteTimeout", "-1.00:00:00", "SessionAuth:Kinds:ApiKey:AbsoluteTimeout")]
    [InlineData("SessionAuth:Cookie:SameSite", "None", "SessionAuth:Cookie")]
    [InlineData("SessionAuth:HashingKeys:0", "short", "SessionAuth:HashingKeys:0")]
    public void A_bad_setting_stops_startup_with_a_message_naming_it(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.EndsWith("SameSite", StringComparison.Ordinal))
        {
            settings["SessionAuth:Cookie:Name"] = "session";
            settings["SessionAuth:Cookie:SecurePolicy"] = "SameAsRequest";
        }

        var errors = SampleApp.StartupFailure(() => new SampleApp(settings));

        Assert.Contains(errors, e => e.Message.Contains(named, StringComparison.Ordinal));
        Assert.Contains(errors, e => e is OptionsValidationException or InvalidOperationException);
    }

    [Fact]
    public async Task Hashing_keys_from_configuration_are_used()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:HashingKeys:0"] = key });
        using var client = app.Client();

        var login = await client.LoginAsync();

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
    }
}

/// <summary>Environment variables override appsettings.json. Not parallel: it changes the process environment.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class EnvironmentVariableTests
{
    [Fact]
    public async Task SessionAuth_environment_variables_override_appsettings()
    {
        Environment.SetEnvironmentVariable("SessionAuth__IdleTimeout", "00:02:00");
        Environment.SetEnvironmentVariable("SessionAuth__Store", "Memory");
        try
        {
            using var app = new SampleApp();
            using var client = app.Client();

            var login = await client.LoginAsync();

            Assert.Equal(app.Time.GetUtcNow().AddMinutes(2), login.ExpiresAt);
            app.Time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SessionAuth__IdleTimeout", null);
            Environment.SetEnvironmentVariable("SessionAuth__Store", null);
        }
    }
}
