using System.Globalization;
using Microsoft.Extensions.Options;

namespace WebApp;

/// <summary>
/// <c>Sample:StepUpMaxAge</c>: how recently the user must have proved who they are for <c>POST /api/account/sensitive</c>
/// (default five minutes). Read strictly, like the library's durations: <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>, positive.
/// </summary>
public sealed class StepUpOptions
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Sample:StepUpMaxAge";

    /// <summary>The authorization policy of the sensitive endpoint.</summary>
    public const string Policy = "StepUp";

    /// <summary>The longest time since the user last authenticated.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What is wrong with the configured value, if anything.</summary>
    internal string? Problem { get; set; }

    /// <summary>Reads <see cref="Key"/>: absent or empty keeps the default; a bare number (which .NET would read as days) is refused.</summary>
    internal static void Read(StepUpOptions options, IConfiguration configuration)
    {
        var raw = configuration[Key];
        if (string.IsNullOrEmpty(raw))
        {
            return;
        }

        if (raw.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParseExact(raw, "c", CultureInfo.InvariantCulture, out var maxAge) && maxAge >= TimeSpan.FromSeconds(1))
        {
            options.MaxAge = maxAge;
            return;
        }

        options.Problem = $"{Key} must be a positive duration of at least one second such as '00:05:00'; got '{raw}'.";
    }

    /// <summary>Reports <see cref="Problem"/> at startup.</summary>
    internal sealed class Validator : IValidateOptions<StepUpOptions>
    {
        public ValidateOptionsResult Validate(string? name, StepUpOptions options) =>
            options.Problem is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
