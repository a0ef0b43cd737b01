using System.Diagnostics;
using System.Text;

namespace AspNetSessions.Package.Tests;

/// <summary>Runs a command line tool to its end with a time limit; a non-zero exit fails the test with its output.</summary>
public static class Command
{
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, string fileName, params string[] arguments)
    {
        using var process = Start(workingDirectory, fileName, arguments, environment: null);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{fileName} {string.Join(' ', arguments)}` took longer than {timeout.TotalSeconds:0} s:\n{Text(output)}");
        }

        // The no-argument wait drains the redirected output after the exit.
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"`{fileName} {string.Join(' ', arguments)}` in {workingDirectory} exited with {process.ExitCode}:\n{Text(output)}");
        return Text(output);
    }

    /// <summary>
    /// A process started with the environment of this test run, less the variables that MSBuild and the test host set
    /// for themselves (a nested <c>dotnet build</c> would otherwise pick up the outer build's settings).
    /// </summary>
    public static Process Start(string workingDirectory, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            info.Environment.Remove(name);
        }

        // Nothing outlives the test: no MSBuild worker nodes or compiler server left waiting for the next build.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
