using System.Net;
using AspNetSessions.TestSupport;

namespace AspNetSessions.EntityFrameworkCore.Tests.Http;

/// <summary>The sample on a SQLite file by configuration alone: schema created at startup, sign-in, use, revocation.</summary>
public sealed class SqliteSampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aspnetsessions-sample-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_sample_runs_on_sqlite_by_configuration()
    {
        using var app = new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(_directory, "sessions.db")}",
        });
        using var client = app.Client();

        var login = await client.LoginAsync("bob");
        Assert.Equal("bob", (await client.MeAsync(login.Token)).GetProperty("userId").GetString());
        var key = await client.CreateKeyAsync(login.Token);
        Assert.Equal("ApiKey", (await client.MeAsync(key.Token)).GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        Assert.True(File.Exists(Path.Combine(_directory, "sessions.db")));
    }

    [Fact]
    public async Task Named_scoped_api_keys_work_on_sqlite()
    {
        using var app = new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(_directory, "keys.db")}",
        });
        using var client = app.Client();

        await ApiKeyScenario.RunAsync(client);
    }

    [Fact]
    public async Task Step_up_and_the_sign_in_state_hold_on_sqlite()
    {
        using var app = new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(_directory, "stepup.db")}",
        });
        await StepUpScenario.RunAsync(app);
    }

    [Fact]
    public void A_missing_connection_string_stops_startup_with_a_message_naming_the_key()
    {
        var failure = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = "",
        }));

        Assert.Contains(failure, e => e.Message.Contains("ConnectionStrings:Sessions is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_pruner_setting_stops_startup_with_a_message_naming_the_key()
    {
        var failure = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(_directory, "bad.db")}",
            ["SessionAuth:EntityFrameworkCore:PruneBatchSize"] = "0",
        }));

        Assert.Contains(failure, e => e.Message.Contains("SessionAuth:EntityFrameworkCore:PruneBatchSize must be between 1 and 100000", StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelt_store_setting_stops_startup_with_a_message_naming_it()
    {
        var failure = SampleApp.StartupFailure(() => new SampleApp(new Dictionary<string, string?>
        {
            ["SessionAuth:Store"] = "EntityFrameworkCore",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sessions"] = $"Data Source={Path.Combine(_directory, "typo.db")}",
            ["SessionAuth:EntityFrameworkCore:PruneBatchSise"] = "10",
        }));

        Assert.Contains(failure, e => e.Message.Contains("SessionAuth:EntityFrameworkCore:PruneBatchSise", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_pruner_settings_are_ignored_while_another_store_is_in_use()
    {
        using var app = new SampleApp(new Dictionary<string, string?> { ["SessionAuth:EntityFrameworkCore:PruneBatchSize"] = "0" });
        using var client = app.Client();
        Assert.Equal("alice", (await client.MeAsync((await client.LoginAsync("alice")).Token)).GetProperty("userId").GetString());
    }
}
