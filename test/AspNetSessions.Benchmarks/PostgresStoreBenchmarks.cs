using AspNetSessions.EntityFrameworkCore;
using AspNetSessions.Stores;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The EF Core store's per-request call on PostgreSQL with 1 000 and 1 000 000 stored sessions, one caller: between
/// slides (the compiled primary-key SELECT: one statement) and when every call slides (SELECT + conditional UPDATE).
/// Starts its own throwaway server (.ci/throwaway-postgres, as the tests do). The rows are made by the server itself
/// (INSERT … SELECT FROM generate_series), since a million inserts from the client would take minutes.
/// </summary>
[MemoryDiagnoser]
public class PostgresFindAndSlideBenchmarks
{
    private PostgresServerProcess _server = null!;
    private EntityFrameworkCoreSessionStore<SessionDbContext> _store = null!;
    private SessionLookup[] _lookups = [];
    private int _next;

    [Params(1_000, 1_000_000)]
    public int Stored { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await PostgresServerProcess.StartAsync("No Reset On Close=true;Max Auto Prepare=16");
        _store = _server.Store;
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, $$"""
            INSERT INTO "Sessions" ("Kind", "Id", "UserId", "Digest", "CreatedAt", "LastSeenAt", "ExpiresAt", "AbsoluteExpiresAt", "Claims", "Data", "Metadata", "Version")
            SELECT 'Session', id, 'user' || (i % 100000), sha256(convert_to(id, 'UTF8')), now(), now(), now() + interval '1 day', NULL,
                   '[["role","user"]]', '{}', '{"ua":"bench/1.0","ip":"127.0.0.1"}', 1
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

    [Benchmark(Description = "FindAndSlide between slides (1 SELECT)")]
    public async Task<SessionRecord> Read() =>
        await _store.FindAndSlideAsync(_lookups[_next++ % _lookups.Length], default) ?? throw new InvalidOperationException("not found");

    [Benchmark(Description = "FindAndSlide that slides (SELECT + conditional UPDATE)")]
    public async Task<SessionRecord> Slide()
    {
        var lookup = _lookups[_next++ % _lookups.Length];
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return await _store.FindAndSlideAsync(lookup with { Now = now, SlideTo = now.AddHours(2), SlidingGranularity = TimeSpan.Zero }, default)
            ?? throw new InvalidOperationException("not found");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
