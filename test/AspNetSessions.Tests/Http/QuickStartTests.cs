using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// README.md's quick-start walkthrough, run as a user pastes it: the block between its markers, unchanged but for the
/// sample's address (a free loopback port instead of 5080), in bash with curl, against the sample on Kestrel. Each
/// comment line right after a command is that command's expected output (… stands for anything), checked in order.
/// </summary>
public sealed class QuickStartTests
{
    private const string DocumentedAddress = "http://localhost:5080";

    [Fact]
    public async Task The_README_walkthrough_pasted_into_bash_gets_every_answer_it_shows()
    {
        var block = Readme.Block("quick-start");
        Assert.Contains(DocumentedAddress, block, StringComparison.Ordinal);
        Assert.DoesNotContain("sess_…", block, StringComparison.Ordinal);   // a placeholder nobody can paste
        var expected = ExpectedOutputs(block);
        Assert.True(expected.Count >= 6, $"the quick start shows {expected.Count} answers");

        using var app = new SampleApp();
        var address = app.StartOnKestrel();
        var script = "set -euo pipefail\n" + block.Replace(DocumentedAddress, address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        var output = await RunBashAsync(script);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == expected.Count, $"expected {expected.Count} lines of output, got {lines.Length}:\n{output}");
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(Pattern(expected[i]).IsMatch(lines[i]), $"answer {i + 1}: expected `{expected[i]}`, got `{lines[i]}`");
        }

        // What the shell cannot show at a glance: the list is alice's two sessions, the calling one marked current.
        var sessions = JsonDocument.Parse(lines.Single(l => l.StartsWith('['))).RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, sessions.Length);
        Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
    }

    /// <summary>Comment lines that follow a command (not a continued line, not another comment) are its output.</summary>
    private static List<string> ExpectedOutputs(string block)
    {
        var expected = new List<string>();
        var previous = string.Empty;
        foreach (var line in block.Split('\n'))
        {
            var isComment = line.StartsWith('#');
            var previousIsCommand = previous.Length > 0 && !previous.StartsWith('#');
            if (isComment && previousIsCommand)
            {
                expected.Add(line[1..].Trim());
            }

            previous = line;
        }

        return expected;
    }

    private static Regex Pattern(string shown) =>
        new("^" + string.Join(".*", shown.Split('…').Select(Regex.Escape)) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static async Task<string> RunBashAsync(string script)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bash.WaitForExitAsync(limit.Token);
        Assert.True(bash.ExitCode == 0, $"the quick start failed in bash ({bash.ExitCode}):\n{await stdout}\n{await stderr}");
        return (await stdout).ReplaceLineEndings("\n");
    }
}
