using System.Net;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The <c>SessionAuth</c> section: bad values stop startup with a message naming the key; hashing keys from it are used.
/// On minimal hosts configured by the section alone (with an API key kind under <c>Kinds</c>, as an app declares one).
/// </summary>
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
    public async Task A_bad_setting_stops_startup_with_a_message_naming_it(string key, string value, string named)
    {
        var settings = Settings();
        settings[key] = value;
        if (key.EndsWith("SameSite", StringComparison.Ordinal))
        {
            settings["SessionAuth:Cookie:Name"] = "session";
            settings["SessionAuth:Cookie:SecurePolicy"] = "SameAsRequest";
        }

        var errors = await TestHost.StartupFailureAsync(settings);

        Assert.Contains(errors, e => e.Message.Contains(named, StringComparison.Ordinal));
        Assert.Contains(errors, e => e is OptionsValidationException or InvalidOperationException);
    }

    [Fact]
    public async Task The_section_without_a_bad_setting_starts()
    {
        await using var app = await TestHost.StartAsync(_ => { }, settings: Settings());

        Assert.NotNull(app.Services.GetRequiredKeyedService<ISessionManager>(TestEndpoints.ApiKeyScheme));
    }

    [Fact]
    public async Task Hashing_keys_from_configuration_are_used()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var settings = Settings();
        settings["SessionAuth:HashingKeys:0"] = key;
        await using var app = await TestHost.StartAsync(a => a.MapMe(), settings: settings);
        using var client = app.Client();

        var login = await app.CreateSessionAsync();

        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", login.Token));
    }

    /// <summary>A valid section: the defaults and an API key kind.</summary>
    private static Dictionary<string, string?> Settings() => new()
    {
        ["SessionAuth:Kinds:ApiKey:TokenPrefix"] = "key",
        ["SessionAuth:Kinds:ApiKey:TokenSources:0"] = "Bearer",
    };
}
