using AspNetSessions.TestSupport;

namespace AspNetSessions.Package.Tests;

/// <summary>
/// The one-line total that <c>./test.sh</c> and <c>.ci/run</c> end with: one script (<c>.ci/total</c>) adds up the
/// results of every test project, is the last line, and fails the run on a failure or when no test ran.
/// </summary>
public sealed class TestTotalTests : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("aspnetsessions-total-").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    [Fact]
    public async Task Adds_up_every_project_and_passes_when_nothing_failed()
    {
        Trx("A", passed: 10, failed: 0, notExecuted: 0);
        Trx("B", passed: 5, failed: 0, notExecuted: 2);

        var (exit, lastLine) = await TotalAsync();

        Assert.Equal("15 passed, 0 failed, 2 skipped", lastLine);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_failure_anywhere_fails_the_run_and_the_total_is_still_the_last_line()
    {
        Trx("A", passed: 10, failed: 0, notExecuted: 0);
        Trx("B", passed: 4, failed: 1, notExecuted: 0);

        var (exit, lastLine) = await TotalAsync();

        Assert.Equal("14 passed, 1 failed, 0 skipped", lastLine);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task No_test_run_fails_the_run()
    {
        var (exit, lastLine) = await TotalAsync();

        Assert.Equal("0 passed, 0 failed, 0 skipped", lastLine);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void Test_sh_ends_with_the_total_and_ci_run_adds_no_second_one()
    {
        var testSh = File.ReadAllLines(Path.Combine(Readme.RepositoryRoot, "test.sh")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal(".ci/total || status=1", testSh[^2]);
        Assert.Equal("exit $status", testSh[^1]);

        var run = File.ReadAllLines(Path.Combine(Readme.RepositoryRoot, ".ci", "run")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal("exec ./test.sh", run[^1]);
        Assert.DoesNotContain(run, l => l.Contains("passed", StringComparison.Ordinal) || l.Contains("echo", StringComparison.Ordinal));
    }

    private void Trx(string name, int passed, int failed, int notExecuted) =>
        File.WriteAllText(Path.Combine(_results, name + ".trx"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="{(failed == 0 ? "Completed" : "Failed")}">
                <Counters total="{passed + failed + notExecuted}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="{notExecuted}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
              </ResultSummary>
            </TestRun>
            """);

    private async Task<(int Exit, string LastLine)> TotalAsync()
    {
        using var process = Command.Start(Readme.RepositoryRoot, Path.Combine(Readme.RepositoryRoot, ".ci", "total"), [_results], environment: null);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (process.ExitCode, lines.Length == 0 ? "" : lines[^1]);
    }
}
