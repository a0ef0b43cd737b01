using AspNetSessions.EntityFrameworkCore;
using AspNetSessions.Stores;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The EF Core store's per-request call on PostgreSQL (10 000 stored sessions), with a plain connection string (no
/// Npgsql tuning), through EF Core (<c>EfCore</c>: what the store did before issue 25, and still does without
/// <c>AddPostgreSqlLookups()</c>) and below it (<c>BelowEfCore</c>: one auto-prepared statement); by 1, 16 and 64
/// concurrent callers. Between slides, and when every call slides. Each invocation is 64 calls shared among the callers,
/// so the times and allocations are per call. Starts its own throwaway server (.ci/throwaway-postgres, as the tests do).
/// </summary>
[MemoryDiagnoser]
public class PostgresFindAndSlideBenchmarks
{
    private const int CallsPerInvocation = 64;
    private const int Stored = 10_000;

    private PostgresServerProcess _server = null!;
    private EntityFrameworkCoreSessionStore<SessionDbContext> _store = null!;
    private SessionLookup[] _lookups = [];
    private int _next;

    [Params("EfCore", "BelowEfCore")]
    public string Lookups { get; set; } = "";

    [Params(1, 16, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await PostgresServerProcess.StartAsync("", lookupsBelowEfCore: Lookups == "BelowEfCore");
        _store = _server.Store;
        try
        {
            await SeedAsync();
        }
        catch
        {
            await _server.DisposeAsync(); // BenchmarkDotNet runs no cleanup after a failed setup: the server must not outlive it
            throw;
        }
    }

    /// <summary>Loads <see cref="Stored"/> sessions and picks the lookups among them.</summary>
    private async Task SeedAsync()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, $$"""
            INSERT INTO "Sessions" ("Kind", "Id", "UserId", "Digest", "CreatedAt", "LastSeenAt", "ExpiresAt", "AbsoluteExpiresAt", "Claims", "Data", "Metadata", "AuthenticatedAt", "Version")
            SELECT 'Session', id, 'user' || (i % 100000), sha256(convert_to(id, 'UTF8')), now(), now(), now() + interval '1 day', NULL,
                   '[["role","user"]]', '{}', '{"ua":"bench/1.0","ip":"127.0.0.1"}', now(), 1
            FROM (SELECT i, substr(translate(encode(decode(md5(i::text), 'hex'), 'base64'), '+/', '-_'), 1, 22) AS id
                  FROM generate_series(1, {{Stored}}) AS i) AS rows
            """);
        await Execute(connection, "VACUUM ANALYZE \"Sessions\"");
        var lookups = new List<SessionLookup>();
        await using (var command = new NpgsqlCommand("SELECT \"Id\", \"Digest\" FROM \"Sessions\" ORDER BY random() LIMIT 1000", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lookups.Add(new SessionLookup("Session", reader.GetString(0), (byte[])reader.GetValue(1), DateTimeOffset.UtcNow, null, TimeSpan.FromHours(1)));
            }
        }

        _lookups = [.. lookups];
        if (await _store.FindAndSlideAsync(_lookups[0], default) is null)
        {
            throw new InvalidOperationException("The loaded sessions are not found.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _server.DisposeAsync();

    [Benchmark(Description = "FindAndSlide between slides", OperationsPerInvoke = CallsPerInvocation)]
    public Task Read() => Run(static lookup => lookup);

    [Benchmark(Description = "FindAndSlide that slides", OperationsPerInvoke = CallsPerInvocation)]
    public Task Slide() => Run(static lookup =>
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return lookup with { Now = now, SlideTo = now.AddHours(2), SlidingGranularity = TimeSpan.Zero };
    });

    /// <summary><see cref="CallsPerInvocation"/> calls, <see cref="Callers"/> at a time, each on a session of its own.</summary>
    private Task Run(Func<SessionLookup, SessionLookup> shape)
    {
        var callers = new Task[Callers];
        for (var c = 0; c < callers.Length; c++)
        {
            callers[c] = Caller(CallsPerInvocation / Callers, shape);
        }

        return Task.WhenAll(callers);
    }

    private async Task Caller(int calls, Func<SessionLookup, SessionLookup> shape)
    {
        for (var i = 0; i < calls; i++)
        {
            var lookup = shape(_lookups[(int)((uint)Interlocked.Increment(ref _next) % (uint)_lookups.Length)]);
            _ = await _store.FindAndSlideAsync(lookup, default) ?? throw new InvalidOperationException("not found");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
