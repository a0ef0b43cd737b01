using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// <c>app.ValidateConfiguration()</c>: a bad configuration is reported as one line per problem, naming the key, with no
/// stack trace, and the app told not to run; a sound one says nothing. (The sample's process exit is pinned by
/// <c>StrictConfigurationTests</c>.)
/// </summary>
public sealed class ConfigurationReportTests
{
    [Fact]
    public void A_misspelt_key_is_one_line_naming_it_and_no_stack_trace()
    {
        using var provider = Services(("SessionAuth:IdelTimeout", "00:10:00"), ("SessionAuth:AbsoluteTimeout", "30"));
        using var error = new StringWriter();

        Assert.False(SessionAuthHostExtensions.ValidateConfiguration(provider, error));

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("The configuration is not valid:", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Single(lines, l => l.StartsWith("SessionAuth:IdelTimeout is not a setting", StringComparison.Ordinal) && l.Contains("Did you mean SessionAuth:IdleTimeout?", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("SessionAuth:AbsoluteTimeout is '30'", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_configuration_passes_silently()
    {
        using var provider = Services(("SessionAuth:IdleTimeout", "00:10:00"));
        using var error = new StringWriter();

        Assert.True(SessionAuthHostExtensions.ValidateConfiguration(provider, error));
        Assert.Empty(error.ToString());
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSessionAuth(configuration.GetSection("SessionAuth"));
        return services.BuildServiceProvider();
    }
}
