using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Package.Tests;

/// <summary>
/// A user's first hour, with what we publish: the README's install lines (block "local-feed") run in bash as written,
/// but for the home folder (the test's temporary one), the feed folder (the one <see cref="PackedPackages"/> made with
/// the same <c>./pack.sh</c> line) and a nuget.config of the test's own instead of the user's (<c>--configfile</c>), so a
/// fresh <c>dotnet new web</c> app gets our packages by name next to the registry this machine restores from;
/// README.md's <c>Program.cs</c> block ("in-your-app") as its Program.cs, built, started on a free loopback port, and
/// signed in to, used and signed out of over HTTP.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed partial class PackageSmokeTests(PackedPackages packages)
{
    private const string DocumentedFeed = "~/aspnetsessions-packages";
    private const string DocumentedSourceName = "--name aspnetsessions-local";
    private const string DocumentedAddPackage = "dotnet add package AspNetSessions --prerelease";
    private const string DocumentedHome = "cd ~ && ";

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_fresh_web_app_installs_the_packages_by_name_and_runs_the_README_code()
    {
        var lines = Readme.Block("local-feed").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The feed was made by the README's first line, with the test's folder for the documented one.
        Assert.StartsWith($"{PackedPackages.PackScript} {DocumentedFeed} ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith(DocumentedAddPackage, StringComparison.Ordinal));
        var config = Path.Combine(packages.Root, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources />
            </configuration>
            """);
        var script = string.Join('\n', lines.Skip(1))
            .Replace(DocumentedFeed, packages.Feed, StringComparison.Ordinal)
            .Replace(DocumentedSourceName, $"{DocumentedSourceName} --configfile {config}", StringComparison.Ordinal)
            .Replace(DocumentedHome, $"cd {packages.Root} && ", StringComparison.Ordinal);
        Assert.Contains("--configfile", script, StringComparison.Ordinal);
        Assert.DoesNotContain("~", script, StringComparison.Ordinal);
        // Every other package a web app would use, the same way (the contract suites are for a store's test project).
        var app = Path.Combine(packages.Root, "MyApp");
        foreach (var id in packages.Ids.Where(id => id is not "AspNetSessions" and not "AspNetSessions.Testing"))
        {
            script += "\n" + DocumentedAddPackage.Replace("AspNetSessions", id, StringComparison.Ordinal);
        }

        await Command.RunAsync(packages.Root, TimeSpan.FromMinutes(10), "bash", "-euo", "pipefail", "-c", script);
        var project = await File.ReadAllTextAsync(Path.Combine(app, "MyApp.csproj"));
        foreach (var id in packages.Ids.Where(id => id != "AspNetSessions.Testing"))
        {
            Assert.Contains($"<PackageReference Include=\"{id}\" Version=\"{packages.Version}\" />", project, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Readme.Block("in-your-app"));
        await Command.RunAsync(app, Step, "dotnet", "build", "-c", "Release", "-nologo");

        using var server = await RunningApp.StartAsync(Path.Combine(app, "bin", "Release", "net10.0", "MyApp.dll"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using (var wrong = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "wrong" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        string token;
        using (var login = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = "demo-password" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        Assert.Matches("^sess_[A-Za-z0-9_-]{70}$", token);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/me", token: null));
        using (var me = await SendAsync(client, HttpMethod.Get, "/api/me", token))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal("alice", await me.Content.ReadAsStringAsync());
        }

        using (var sessions = await SendAsync(client, HttpMethod.Get, "/api/sessions", token))
        {
            Assert.Equal(HttpStatusCode.OK, sessions.StatusCode);
            var list = await sessions.Content.ReadFromJsonAsync<JsonElement>();
            var only = Assert.Single(list.EnumerateArray());
            Assert.True(only.GetProperty("current").GetBoolean());
            Assert.Equal("127.0.0.1", only.GetProperty("metadata").GetProperty("ip").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(client, HttpMethod.Post, "/api/logout", token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/me", token));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string? token)
    {
        using var response = await SendAsync(client, method, path, token);
        return response.StatusCode;
    }

    /// <summary>The built app as its own process on 127.0.0.1, port chosen by the OS and read from its log.</summary>
    private sealed partial class RunningApp : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];

        private RunningApp(Process process) => _process = process;

        public Uri BaseAddress { get; private set; } = null!;

        public static async Task<RunningApp> StartAsync(string dll)
        {
            var process = Command.Start(Path.GetDirectoryName(dll)!, "dotnet", [dll, "--urls", "http://127.0.0.1:0"],
                new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
            var app = new RunningApp(process);
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Read(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (app._output)
                {
                    app._output.Add(line);
                }

                if (Listening().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(new Uri(match.Groups[1].Value));
                }
            }

            process.OutputDataReceived += (_, e) => Read(e.Data);
            process.ErrorDataReceived += (_, e) => Read(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            if (first != listening.Task)
            {
                var output = app.Output;
                app.Dispose();
                Assert.Fail($"the app did not start listening ({(exited.IsCompleted ? "it exited" : "60 s")}):\n{output}");
            }

            app.BaseAddress = await listening.Task;
            return app;
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return string.Join('\n', _output);
                }
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
        private static partial Regex Listening();
    }
}
