using System.Diagnostics;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Configuration that cannot be misread: unknown keys, ambiguous durations and impossible lifetimes stop the app at
/// startup, all problems reported together, once (on a minimal host with an API key kind), and the sample exits non-zero
/// with just those lines.
/// </summary>
public sealed class StrictConfigurationTests
{
    [Theory]
    [InlineData("SessionAuth:IdelTimeout", "00:10:00", "SessionAuth:IdelTimeout is not a setting of AspNetSessions", "Did you mean SessionAuth:IdleTimeout?")]
    [InlineData("SessionAuth:Kinds:ApiKey:AbsolutTimeout", "1.00:00:00", "SessionAuth:Kinds:ApiKey:AbsolutTimeout is not a setting", "Did you mean SessionAuth:Kinds:ApiKey:AbsoluteTimeout?")]
    [InlineData("SessionAuth:Cookie:Nmae", "x", "SessionAuth:Cookie:Nmae is not a setting", "Did you mean SessionAuth:Cookie:Name?")]
    [InlineData("SessionAuth:IdleTimeout", "30", "SessionAuth:IdleTimeout is '30', which is not a duration", "as 30 days")]
    [InlineData("SessionAuth:StoreUnavailableRetryAfter", "5", "SessionAuth:StoreUnavailableRetryAfter is '5'", "'00:30:00'")]
    [InlineData("SessionAuth:LiveConnectionCheckInterval", "30", "SessionAuth:LiveConnectionCheckInterval is '30', which is not a duration", "as 30 days")]
    [InlineData("SessionAuth:LiveConnectionCheckInterval", "00:00:00", "SessionAuth:LiveConnectionCheckInterval must be between 00:00:01 and 01:00:00", "outlive a revocation")]
    [InlineData("SessionAuth:LiveConectionCheckInterval", "00:00:10", "SessionAuth:LiveConectionCheckInterval is not a setting", "Did you mean SessionAuth:LiveConnectionCheckInterval?")]
    [InlineData("SessionAuth:AbsoluteTimeout", "00:30", "SessionAuth:AbsoluteTimeout is '00:30', which is not a duration", "hh:mm:ss")]
    [InlineData("SessionAuth:Cookie:SameSite", "Laxx", "SessionAuth:Cookie:SameSite is 'Laxx'", "Lax")]
    [InlineData("SessionAuth:RejectCrossSiteCookieRequests", "yes", "SessionAuth:RejectCrossSiteCookieRequests is 'yes'", "true/false")]
    [InlineData("SessionAuth:IdleTimeout", "8.00:00:00", "SessionAuth:IdleTimeout ('8.00:00:00') is longer than SessionAuth:AbsoluteTimeout ('7.00:00:00')", "switch one of them off")]
    public async Task A_misread_setting_stops_startup_naming_it_and_the_right_spelling(string key, string value, string message, string hint) =>
        AssertNamed(await TestHost.StartupFailureAsync(new Dictionary<string, string?> { [key] = value }, a => a.AddApiKeys()), message, hint);

    /// <summary>
    /// The Redis section is known only where <c>AddRedisStore()</c> is called: this case stays on the sample, which calls it
    /// (the core test project has the Redis package only through the sample, so a minimal host does not add it).
    /// </summary>
    [Fact]
    public void A_misread_Redis_setting_stops_startup_naming_it_and_the_right_spelling() =>
        AssertNamed(SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?> { ["SessionAuth:Redis:KeyPrefx"] = "x:" })),
            "SessionAuth:Redis:KeyPrefx is not a setting", "Did you mean SessionAuth:Redis:KeyPrefix?");

    [Fact]
    public async Task Every_bad_setting_is_reported_together_and_only_once()
    {
        var errors = await TestHost.StartupFailureAsync(new Dictionary<string, string?>
        {
            ["SessionAuth:IdleTimeout"] = "banana",
            ["SessionAuth:IdelTimeout"] = "00:10:00",
            ["SessionAuth:AbsoluteTimeout"] = "30",
        });

        var failures = errors.OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct().ToArray();
        Assert.Equal(3, failures.Length);
        Assert.All(new[] { "SessionAuth:IdleTimeout is 'banana'", "SessionAuth:IdelTimeout", "SessionAuth:AbsoluteTimeout is '30'" },
            m => Assert.Single(failures, f => f.Contains(m, StringComparison.Ordinal)));
        Assert.DoesNotContain(errors, e => e is InvalidOperationException); // nothing bound the section, so no binder error repeats them
    }

    [Fact]
    public async Task The_sample_exits_non_zero_with_just_the_problems()
    {
        var (exitCode, output) = await RunSampleAsync(new Dictionary<string, string>
        {
            ["SessionAuth__IdleTimeout"] = "banana",
            ["SessionAuth__IdelTimeout"] = "00:10:00",
        });

        Assert.Equal(1, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("The configuration is not valid:", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("SessionAuth:IdleTimeout is 'banana'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("SessionAuth:IdelTimeout is not a setting", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static void AssertNamed(IReadOnlyList<Exception> errors, string message, string hint)
    {
        var failure = Assert.Single(errors.OfType<OptionsValidationException>().DistinctBy(e => e.Message));
        Assert.Contains(failure.Failures, f => f.Contains(message, StringComparison.Ordinal) && f.Contains(hint, StringComparison.Ordinal));
    }

    /// <summary>Runs the built sample as its own process, as `dotnet run` would, and returns its exit code and all it printed.</summary>
    private static async Task<(int ExitCode, string Output)> RunSampleAsync(Dictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "AspNetSessions.sln")))
        {
            root = root.Parent!;
        }

        var sample = Path.Combine(root.FullName, "samples", "WebApp", "bin", configuration, "net10.0", "WebApp.dll");
        var start = new ProcessStartInfo("dotnet", [sample, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(sample)!,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The sample kept running although its configuration is invalid.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
