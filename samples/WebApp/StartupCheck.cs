using System.Reflection;
using Microsoft.Extensions.Options;

namespace WebApp;

/// <summary>
/// Runs the options validation the host would run when it starts, before it starts: a bad configuration is then
/// reported once, one line per problem, without a stack trace, and the process exits non-zero.
/// </summary>
internal static class StartupCheck
{
    public static bool Passes(IHost app)
    {
        // Only when this process is the sample itself: a test host or tool that runs Program in its own process
        // (WebApplicationFactory, dotnet ef) starts the host itself and wants the exception.
        if (Assembly.GetEntryAssembly() != typeof(StartupCheck).Assembly)
        {
            return true;
        }

        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (Exception e) when (Problems(e) is { Count: > 0 } problems)
        {
            Console.Error.WriteLine("The configuration is not valid:");
            foreach (var problem in problems)
            {
                Console.Error.WriteLine("  " + problem);
            }

            return false;
        }
    }

    private static List<string> Problems(Exception error) => error switch
    {
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Problems)],
        OptionsValidationException validation => [.. validation.Failures],
        InvalidOperationException invalid => [invalid.Message],
        _ => [],
    };
}
