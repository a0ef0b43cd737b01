using System.Security.Cryptography;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// A database that is reachable but not set up (no session table: migrations not applied; no such database; a SQLite file
/// that cannot be opened) is a configuration error, reported once at Error with the table or database and the fix, not an
/// endless "cannot be reached"; it still answers 503, and applying the migrations fixes it without a restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConfigurationErrorTests(PostgresServer server)
{
    private const string Fix = "dotnet ef database update";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task A_postgres_database_without_the_session_table_names_it_and_the_migrations_then_recovers_once_they_are_applied()
    {
        var connectionString = await server.CreateDatabaseAsync("notable");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), createSchema: false);

        var error = await RefusedAsync(host);

        Assert.Contains("\"Sessions\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(Fix, error.Message, StringComparison.Ordinal);
        AssertReportedOnce(host, "\"Sessions\"");

        await using (var context = host.NewContext())
        {
            await context.Database.EnsureCreatedAsync();
        }

        await host.Services.GetRequiredService<ISessionStore>().PingAsync(default);
        Assert.Single(host.Logs.Entries, e => e.EventId == 1303); // the outage ends: no restart needed
    }

    [Fact]
    public async Task A_postgres_database_that_does_not_exist_is_named()
    {
        var connectionString = server.ConnectionString("nosuch_database");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), createSchema: false);

        var error = await RefusedAsync(host);

        Assert.Contains("the database 'nosuch_database' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection string", error.Message, StringComparison.Ordinal);
        AssertReportedOnce(host, "nosuch_database");
    }

    [Theory]
    [InlineData("", "\"Sessions\"", Fix)] // a new file: SQLite creates it, without the table
    [InlineData(";Mode=ReadOnly", "'{file}' cannot be opened", "Mode")] // a file that is not there, and a mode that never creates it
    public async Task A_sqlite_database_that_is_not_set_up_is_named_with_the_fix(string mode, string named, string fix)
    {
        var directory = Directory.CreateTempSubdirectory("aspnetsessions-config-").FullName;
        try
        {
            var file = Path.Combine(directory, "sessions.db");
            named = named.Replace("{file}", file, StringComparison.Ordinal);
            await using var host = await StoreHost.StartAsync(db => db.UseSqlite($"Data Source={file}{mode}"), createSchema: false);

            var error = await RefusedAsync(host);

            Assert.Contains(named, error.Message, StringComparison.Ordinal);
            Assert.Contains(fix, error.Message, StringComparison.Ordinal);
            AssertReportedOnce(host, named);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_missing_table_is_reported_when_the_app_starts_before_any_request()
    {
        var connectionString = await server.CreateDatabaseAsync("startcheck");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString), createSchema: false);

        await StartHostedServicesAsync(host);

        await Eventually.HoldsAsync(() => host.Logs.Entries.Any(e => e.EventId == 1508));
        Assert.Contains(Fix, host.Logs.Entries.Single(e => e.EventId == 1508).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_is_down_at_startup_neither_stops_the_app_nor_is_called_a_configuration_error()
    {
        var connectionString = await server.CreateDatabaseAsync("downatstart");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString.Replace($"Port={server.Port}", $"Port={FailureTests.ClosedPort()}", StringComparison.Ordinal)), createSchema: false);

        await StartHostedServicesAsync(host);
        var error = await RefusedAsync(host);

        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId == 1508);
    }

    /// <summary>
    /// Calls through the store the app uses, each an outage (503), never a 500; then the health check twice, which is
    /// unhealthy with the same reason (it reads the tables) and reports the outage to the core's outage log.
    /// </summary>
    private static async Task<SessionStoreUnavailableException> RefusedAsync(StoreHost host)
    {
        var store = host.Services.GetRequiredService<ISessionStore>();
        var lookup = new SessionLookup("Session", SessionIds.New("ann"), RandomNumberGenerator.GetBytes(32), Now, null, TimeSpan.Zero);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.FindAndSlideAsync(lookup, default).AsTask());
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.QueryAsync(new SessionQuery { Kind = "Session", Now = Now, UserId = "ann" }, default).AsTask());
        var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.PingAsync(default).AsTask());
        for (var i = 0; i < 2; i++)
        {
            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains(error.Message, health.Entries.Values.Single().Description, StringComparison.Ordinal);
        }

        return error;
    }

    /// <summary>One Error naming the problem and its fix, and one outage warning carrying the same reason.</summary>
    private static void AssertReportedOnce(StoreHost host, string named)
    {
        var error = Assert.Single(host.Logs.Entries, e => e.EventId == 1508);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(named, Assert.Single(host.Logs.Entries, e => e.EventId == 1302).Message, StringComparison.Ordinal);
    }

    private static async Task StartHostedServicesAsync(StoreHost host)
    {
        foreach (var service in host.Services.GetServices<IHostedService>())
        {
            await service.StartAsync(default);
        }
    }
}
