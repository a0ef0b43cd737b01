using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Reports a bad configuration as the lines that name its problems, not as a crash.</summary>
public static class SessionAuthHostExtensions
{
    /// <summary>
    /// Runs the startup validation the host would run when it starts (every <c>ValidateOnStart</c> options type: the
    /// <c>SessionAuth</c> section, the app's own), before it starts. When the configuration is not valid, this writes
    /// <c>The configuration is not valid:</c> and one line per problem, each naming its key, to standard error and
    /// returns <see langword="false"/>; the app then exits with a code of its choosing instead of crashing with a
    /// stack trace: <c>if (!app.ValidateConfiguration()) return 1;</c> before <c>app.Run()</c>.
    /// A test host or tool that runs the app's entry point in its own process (<c>WebApplicationFactory</c>,
    /// <c>dotnet ef</c>) is not the app: there this returns <see langword="true"/> and the host's start throws as usual.
    /// </summary>
    /// <param name="host">The built app.</param>
    /// <returns>Whether the app may run.</returns>
    public static bool ValidateConfiguration(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var application = host.Services.GetService<IHostEnvironment>()?.ApplicationName;
        return Assembly.GetEntryAssembly()?.GetName().Name != application || ValidateConfiguration(host.Services, Console.Error);
    }

    /// <summary>Validates and writes the problems found to <paramref name="error"/>; whether there were none.</summary>
    internal static bool ValidateConfiguration(IServiceProvider services, TextWriter error)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (Exception e) when (Problems(e) is { Count: > 0 } problems)
        {
            error.WriteLine("The configuration is not valid:");
            foreach (var problem in problems)
            {
                error.WriteLine("  " + problem);
            }

            return false;
        }
    }

    private static List<string> Problems(Exception error) => error switch
    {
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Problems).Distinct()],
        OptionsValidationException validation => [.. validation.Failures],
        InvalidOperationException invalid => [invalid.Message],
        _ => [],
    };
}
