using System.Security.Cryptography;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>Damaged rows are refused and logged; an unreachable or busy database is an outage (503), never a 500.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FailureTests(PostgresServer server)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Theory]
    [InlineData("\"Claims\" = 'not json'")]
    [InlineData("\"Claims\" = '[[\"role\"]]'")]
    [InlineData("\"Data\" = '{\"k\": 5}'")]
    [InlineData("\"Metadata\" = '['")]
    [InlineData("\"Digest\" = '\\x0102'")]
    [InlineData("\"Scopes\" = 'orders:read'")]
    [InlineData("\"Scopes\" = '[\"has space\"]'")]
    [InlineData("\"Scopes\" = '{}'")]
    public async Task A_row_that_does_not_decode_is_refused_and_logged(string damage)
    {
        var connectionString = await server.CreateDatabaseAsync("damaged");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString));
        var sessions = host.Services.GetRequiredService<ISessionManager>();
        var created = await sessions.CreateAsync(new SessionCreateRequest { UserId = "eve" });
        var healthy = await sessions.CreateAsync(new SessionCreateRequest { UserId = "eve" });
        await PostgresServer.QueryTextAsync(connectionString, $"UPDATE \"Sessions\" SET {damage} WHERE \"Id\" = '{created.Session.Id}'");

        Assert.Null(await sessions.AuthenticateAsync(created.Token));
        Assert.Null(await sessions.FindByIdAsync(created.Session.Id));
        Assert.Equal([healthy.Session.Id], (await sessions.ListAsync(new SessionFilter { UserId = "eve" })).Select(s => s.Id));
        Assert.NotNull(await sessions.AuthenticateAsync(healthy.Token));
        var refused = host.Logs.Entries.Where(e => e.EventId == 1504).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Contains(created.Session.Id, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_nobody_listens_on_is_an_outage_logged_once_by_the_core_with_the_reason()
    {
        var connectionString = await server.CreateDatabaseAsync("refused");
        await using var host = await StoreHost.StartAsync(db => db.UseNpgsql(connectionString.Replace($"Port={server.Port}", $"Port={ClosedPort()}", StringComparison.Ordinal)), createSchema: false);
        var store = host.Services.GetRequiredService<ISessionStore>();
        var lookup = new SessionLookup("Session", SessionIds.New("fay"), RandomNumberGenerator.GetBytes(32), Now, null, TimeSpan.Zero);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.FindAndSlideAsync(lookup, default).AsTask());
        }

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.PingAsync(default).AsTask());
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.QueryAsync(new SessionQuery { Kind = "Session", Now = Now, UserId = "fay" }, default).AsTask());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
        }

        // One outage line (SessionStoreOutage, 1302), whose reason says what the provider said; the store logs none of its own.
        var outage = Assert.Single(host.Logs.Entries, e => e.EventId == 1302);
        Assert.Contains("did not answer", outage.Message, StringComparison.Ordinal);
        Assert.Contains("Failed to connect", outage.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId is > 1500 and < 1600);
    }

    [Fact]
    public async Task A_busy_sqlite_database_is_an_outage()
    {
        var directory = Directory.CreateTempSubdirectory("aspnetsessions-busy-").FullName;
        try
        {
            var connectionString = $"Data Source={Path.Combine(directory, "busy.db")};Default Timeout=1";
            await using var host = await StoreHost.StartAsync(db => db.UseSqlite(connectionString));
            await using var locker = new SqliteConnection(connectionString);
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            var record = new SessionRecord(new Session
            {
                Id = SessionIds.New("gus"),
                Kind = "Session",
                UserId = "gus",
                CreatedAt = Now,
                LastSeenAt = Now,
                ExpiresAt = Now.AddMinutes(30),
            }, RandomNumberGenerator.GetBytes(32));
            await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => host.SessionStore.CreateAsync(record, 0, Now, default).AsTask());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
