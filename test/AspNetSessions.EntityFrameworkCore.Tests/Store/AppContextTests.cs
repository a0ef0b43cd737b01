using System.Collections.Concurrent;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// Sessions in the app's own context (scoped, no factory), with a custom schema, snake_case names, a table per kind and a
/// promoted metadata column; what reaches the database (never a token), and which SQL the store sends.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AppContextTests(PostgresServer server) : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _sql = new();
    private ServiceProvider _services = null!;
    private string _connectionString = "";

    private ISessionManager Sessions => _services.GetRequiredService<ISessionManager>();

    private ISessionManager Keys => _services.GetRequiredKeyedService<ISessionManager>("ApiKey");

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync("appcontext");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<AppDbContext>(db => db.UseNpgsql(_connectionString)
            .LogTo(line => _sql.Enqueue(line), [RelationalEventId.CommandExecuted]));
        services.AddSessionAuth(_ => { }).AddKind("ApiKey", o =>
        {
            o.TokenPrefix = "key";
            o.TokenSources = [SessionTokenSource.Bearer];
            o.IdleTimeout = null;
        }).AddEntityFrameworkCoreStore<AppDbContext>();
        _services = services.BuildServiceProvider();
        using var scope = _services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task The_schema_uses_the_apps_schema_naming_and_a_table_per_kind()
    {
        var columns = await PostgresServer.QueryTextAsync(_connectionString,
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'auth' ORDER BY 1");

        Assert.Contains("sessions.user_id", columns);
        Assert.Contains("sessions.expires_at", columns);
        Assert.Contains("sessions.absolute_expires_at", columns);
        Assert.Contains("sessions.tenant_id", columns);
        Assert.Contains("api_keys.last_seen_at", columns);
        Assert.Contains("users.user_name", columns);
        Assert.DoesNotContain(columns, c => c.Contains("UserId", StringComparison.Ordinal));

        var indexes = string.Join("\n", await PostgresServer.QueryTextAsync(_connectionString,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'auth' AND tablename = 'sessions'"));
        Assert.Contains("(kind, user_id)", indexes);
        Assert.Contains("(expires_at)", indexes);
        Assert.Contains("(kind, tenant_id)", indexes);
    }

    [Fact]
    public async Task Each_kind_lands_in_its_own_table_and_promoted_metadata_is_filtered_in_sql()
    {
        var t1 = await Sessions.CreateAsync(new SessionCreateRequest { UserId = "ann", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t1" } });
        await Sessions.CreateAsync(new SessionCreateRequest { UserId = "ann", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t2" } });
        var key = await Keys.CreateAsync(new SessionCreateRequest { UserId = "ann", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t1" } });

        Assert.Equal(["2"], await PostgresServer.QueryTextAsync(_connectionString, "SELECT count(*) FROM auth.sessions"));
        Assert.Equal(["1"], await PostgresServer.QueryTextAsync(_connectionString, "SELECT count(*) FROM auth.api_keys"));
        Assert.Equal(["t1"], await PostgresServer.QueryTextAsync(_connectionString, $"SELECT tenant_id FROM auth.api_keys WHERE id = '{key.Session.Id}'"));

        _sql.Clear();
        var listed = await Sessions.ListAsync(new SessionFilter { UserId = "ann", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t1" } });
        Assert.Equal([t1.Session.Id], listed.Select(s => s.Id));
        var select = Assert.Single(_sql);
        Assert.Contains("s.tenant_id = @", select, StringComparison.Ordinal);

        _sql.Clear();
        Assert.Equal(1, await Sessions.DeleteAsync(new SessionFilter { Metadata = new Dictionary<string, string> { ["tenant_id"] = "t2" } }));
        var delete = Assert.Single(_sql);
        Assert.Contains("DELETE FROM auth.sessions", delete, StringComparison.Ordinal);
        Assert.Equal(1, await Sessions.CountAsync(new SessionFilter { UserId = "ann" }));
        Assert.NotNull(await Keys.AuthenticateAsync(key.Token));
    }

    [Fact]
    public async Task Authenticating_costs_one_statement_between_slides_and_revoke_all_is_one_delete()
    {
        var created = await Sessions.CreateAsync(new SessionCreateRequest { UserId = "bea" });
        await Sessions.CreateAsync(new SessionCreateRequest { UserId = "bea" });

        _sql.Clear();
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await Sessions.AuthenticateAsync(created.Token));
        }

        Assert.Equal(5, _sql.Count);
        Assert.All(_sql, s => Assert.Contains("SELECT", s, StringComparison.Ordinal));

        _sql.Clear();
        Assert.Equal(2, await Sessions.RevokeAllAsync("bea"));
        Assert.Contains("DELETE FROM auth.sessions", Assert.Single(_sql), StringComparison.Ordinal);
        Assert.Null(await Sessions.AuthenticateAsync(created.Token));
    }

    [Fact]
    public async Task A_users_sessions_are_found_through_the_user_id_index()
    {
        var plan = string.Join("\n", await PostgresServer.QueryTextAsync(_connectionString,
            "SET enable_seqscan = off; EXPLAIN SELECT * FROM auth.sessions WHERE kind = 'Session' AND user_id = 'ann' AND expires_at > now()"));

        Assert.Contains("ix_sessions_kind_user_id", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_or_secret_ever_reaches_the_database()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await Sessions.CreateAsync(new SessionCreateRequest { UserId = "cid" + i, Metadata = new Dictionary<string, string> { ["tenant_id"] = "t" } });
            tokens.Add(created.Token);
            Assert.NotNull(await Sessions.AuthenticateAsync(created.Token));
            tokens.Add((await Sessions.RotateAsync(created.Session.Id))!.Token);
            tokens.Add((await Keys.CreateAsync(new SessionCreateRequest { UserId = "cid" + i })).Token);
        }

        var tables = await PostgresServer.QueryTextAsync(_connectionString,
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        Assert.Contains("auth.sessions", tables);
        var dump = new List<string>();
        foreach (var table in tables)
        {
            dump.AddRange(await PostgresServer.QueryTextAsync(_connectionString, $"SELECT t::text FROM {table} t"));
        }

        var text = string.Join("\n", dump);
        var first = tokens[0];
        Assert.Contains(first[(first.IndexOf('_', StringComparison.Ordinal) + 1)..][..SessionIdsPrefix], text, StringComparison.Ordinal);   // the dump holds the rows
        foreach (var token in tokens)
        {
            var body = token[(token.IndexOf('_', StringComparison.Ordinal) + 1)..];
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(body[^24..], text, StringComparison.Ordinal);   // the secret's and checksum's characters
            Assert.DoesNotContain(body[24..44], text, StringComparison.Ordinal);  // the middle of the secret
        }
    }

    /// <summary>The first characters of a token body are the session id's (stored, not a secret).</summary>
    private const int SessionIdsPrefix = 16;
}
