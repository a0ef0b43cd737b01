using System.Security.Cryptography;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// What a lookup puts on the wire with <c>AddPostgreSqlLookups()</c> and a plain connection string (no Npgsql tuning),
/// as PostgreSQL itself counts it (pg_stat_statements, planning counted): one prepared statement per lookup, a slide in
/// that same statement, and concurrent slides that keep the compare-and-swap guarantees.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLookupTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task Between_slides_each_lookup_is_one_prepared_statement_and_nothing_else()
    {
        await using var scenario = await Scenario.StartAsync(server);
        var (id, digest) = await scenario.CreateAsync(T0);
        var lookup = new SessionLookup("Session", id, digest, T0.AddSeconds(1), T0.AddMinutes(31), TimeSpan.FromMinutes(5));
        Assert.NotNull(await scenario.Store.FindAndSlideAsync(lookup, default)); // the pool's first connection loads Npgsql's types
        await scenario.ResetStatementsAsync();

        for (var i = 0; i < 60; i++)
        {
            Assert.NotNull(await scenario.Store.FindAndSlideAsync(lookup, default));
        }

        var statement = Assert.Single(await scenario.StatementsAsync()); // the old path also sent DISCARD ALL each time
        Assert.Equal(60, statement.Calls);
        // Unprepared, every call is planned (60). Prepared, PostgreSQL plans the first few executions on each physical
        // connection (custom plans, then the generic one) and then only runs it; multiplexing may use more than one.
        Assert.True(statement.Plans <= 30, $"planned {statement.Plans} times for 60 calls: not prepared");
    }

    [Fact]
    public async Task A_due_slide_is_one_UPDATE_RETURNING_without_a_read_before_it()
    {
        await using var scenario = await Scenario.StartAsync(server);
        var (id, digest) = await scenario.CreateAsync(T0);
        Assert.NotNull(await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, digest, T0, null, TimeSpan.FromMinutes(5)), default));
        await scenario.ResetStatementsAsync();

        var now = T0.AddMinutes(6);
        var slid = await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(5)), default);

        Assert.Equal((now, now.AddMinutes(30)), (slid?.Session.LastSeenAt, slid?.Session.ExpiresAt));
        var statement = Assert.Single(await scenario.StatementsAsync()); // the old path: SELECT, then UPDATE
        Assert.Equal(1, statement.Calls);
        Assert.Contains("UPDATE", statement.Query, StringComparison.Ordinal);
        Assert.Contains("RETURNING", statement.Query, StringComparison.Ordinal);
        var stored = await scenario.Store.GetAsync("Session", id, now, default);
        Assert.Equal((now, now.AddMinutes(30)), (stored?.Session.LastSeenAt, stored?.Session.ExpiresAt));
    }

    [Fact]
    public async Task A_wrong_digest_slides_nothing()
    {
        await using var scenario = await Scenario.StartAsync(server);
        var (id, _) = await scenario.CreateAsync(T0);
        var now = T0.AddMinutes(6);

        Assert.Null(await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, RandomNumberGenerator.GetBytes(32), now, now.AddMinutes(30), TimeSpan.Zero), default));

        var stored = await scenario.Store.GetAsync("Session", id, now, default);
        Assert.Equal((T0, T0.AddMinutes(30)), (stored?.Session.LastSeenAt, stored?.Session.ExpiresAt));
    }

    [Fact]
    public async Task Concurrent_slides_never_move_last_seen_or_expiry_backwards()
    {
        await using var scenario = await Scenario.StartAsync(server);
        var (id, digest) = await scenario.CreateAsync(T0);
        var nows = Enumerable.Range(1, 32).Select(i => T0.AddSeconds(i)).OrderBy(_ => Random.Shared.Next()).ToArray();

        var found = await Task.WhenAll(nows.Select(now => Task.Run(async () =>
            await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, digest, now, now.AddMinutes(30), TimeSpan.Zero), default))));

        Assert.All(found, Assert.NotNull);
        var latest = nows.Max();
        var stored = await scenario.Store.GetAsync("Session", id, latest, default);
        Assert.Equal((latest, latest.AddMinutes(30)), (stored?.Session.LastSeenAt, stored?.Session.ExpiresAt));
    }

    [Fact]
    public async Task A_context_built_on_a_data_source_stays_on_EF_Core()
    {
        // Its connection string comes back without the password (Npgsql strips it), so a pool of the package's own
        // could not log in wherever a password is needed: the store keeps such a context's lookups on EF Core.
        await using var scenario = await Scenario.StartAsync(server, onDataSource: true);
        var (id, digest) = await scenario.CreateAsync(T0);
        await scenario.ResetStatementsAsync();

        Assert.NotNull(await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, digest, T0.AddSeconds(1), null, TimeSpan.FromMinutes(5)), default));

        Assert.DoesNotContain(await scenario.StatementsAsync(), s => s.Query.Contains("WITH slid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_data_source_given_in_the_store_options_carries_the_lookups_without_the_add_on()
    {
        // The public SPI on its own (EntityFrameworkCoreSessionStoreOptions.LookupDataSource, no AddPostgreSqlLookups()):
        // an app whose context is built on a data source hands the store one for the lookup.
        await using var scenario = await Scenario.StartAsync(server, onDataSource: true, lookupsOnThatDataSource: true);
        var (id, digest) = await scenario.CreateAsync(T0);
        await scenario.ResetStatementsAsync();

        var now = T0.AddMinutes(6);
        var slid = await scenario.Store.FindAndSlideAsync(new SessionLookup("Session", id, digest, now, now.AddMinutes(30), TimeSpan.FromMinutes(5)), default);

        Assert.Equal((now, now.AddMinutes(30)), (slid?.Session.LastSeenAt, slid?.Session.ExpiresAt));
        var lookup = Assert.Single(await scenario.StatementsAsync(), s => s.Query.Contains("WITH slid", StringComparison.Ordinal));
        Assert.Equal(1, lookup.Calls);
    }

    private sealed record Statement(string Query, long Calls, long Plans);

    /// <summary>A store on a database of its own, and a connection of the test's that reads pg_stat_statements for that database.</summary>
    private sealed class Scenario(StoreHost host, NpgsqlConnection monitor, NpgsqlDataSource? dataSource) : IAsyncDisposable
    {
        public ISessionStore Store => host.SessionStore;

        /// <param name="server">The test server.</param>
        /// <param name="onDataSource">Whether the context is built on a data source rather than a connection string.</param>
        /// <param name="lookupsOnThatDataSource">Whether the store's options give it that data source for lookups (instead of <c>AddPostgreSqlLookups()</c>).</param>
        public static async Task<Scenario> StartAsync(PostgresServer server, bool onDataSource = false, bool lookupsOnThatDataSource = false)
        {
            var connectionString = await server.CreateDatabaseAsync("lookups");
            var dataSource = onDataSource ? NpgsqlDataSource.Create(connectionString) : null;
            var host = await StoreHost.StartAsync(
                db => _ = dataSource is null ? db.UseNpgsql(connectionString) : db.UseNpgsql(dataSource),
                store: lookupsOnThatDataSource ? o => o.LookupDataSource = _ => dataSource : null,
                efCoreOnly: lookupsOnThatDataSource);
            var monitor = new NpgsqlConnection(connectionString + ";Pooling=false");
            await monitor.OpenAsync();
            await Execute(monitor, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            return new Scenario(host, monitor, dataSource);
        }

        public async Task<(string Id, byte[] Digest)> CreateAsync(DateTimeOffset now)
        {
            var id = SessionIds.New("lookups");
            var digest = RandomNumberGenerator.GetBytes(32);
            await Store.CreateAsync(new SessionRecord(new Session
            {
                Id = id,
                Kind = "Session",
                UserId = "lou",
                CreatedAt = now,
                LastSeenAt = now,
                ExpiresAt = now.AddMinutes(30),
            }, digest), maxSessionsPerUser: 0, now, default);
            return (id, digest);
        }

        public Task ResetStatementsAsync() => Execute(monitor, "SELECT pg_stat_statements_reset()");

        /// <summary>What this database ran since the reset, but the test's own reads of pg_stat_statements.</summary>
        public async Task<List<Statement>> StatementsAsync()
        {
            await using var command = new NpgsqlCommand("""
                SELECT query, calls, plans FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
                """, monitor);
            await using var reader = await command.ExecuteReaderAsync();
            var statements = new List<Statement>();
            while (await reader.ReadAsync())
            {
                statements.Add(new Statement(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return statements;
        }

        public async ValueTask DisposeAsync()
        {
            await monitor.DisposeAsync();
            await host.DisposeAsync();
            if (dataSource is not null)
            {
                await dataSource.DisposeAsync();
            }
        }

        private static async Task Execute(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
