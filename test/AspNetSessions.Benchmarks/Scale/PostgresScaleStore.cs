using AspNetSessions.Stores;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>
/// The EF Core store on its own throwaway PostgreSQL, wired as an app on PostgreSQL wires it (<c>AddPostgreSqlLookups()</c>,
/// a plain connection string); its bytes are the table's with its indexes and TOAST (<c>pg_total_relation_size</c>,
/// after <c>VACUUM ANALYZE</c>). Loads with binary <c>COPY</c>.
/// </summary>
internal sealed class PostgresScaleStore(PostgresServerProcess server) : ScaleStore
{
    public override ISessionStore Store => server.Store;

    public static async Task<ScaleStore> StartAsync() => new PostgresScaleStore(await PostgresServerProcess.StartAsync("", lookupsBelowEfCore: true));

    public override async Task<long> BytesAsync()
    {
        await server.ScalarAsync("VACUUM ANALYZE \"Sessions\"");
        return Convert.ToInt64(await server.ScalarAsync("SELECT pg_total_relation_size('\"Sessions\"')"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override Task AddAsync(IReadOnlyList<SessionRecord> records) => server.CopyAsync(records);

    public override async Task<string?> DescribeAsync(SessionRecord sample) =>
        $"table {await server.ScalarAsync("SELECT pg_size_pretty(pg_table_size('\"Sessions\"'))")}, indexes {await server.ScalarAsync("SELECT pg_size_pretty(pg_indexes_size('\"Sessions\"'))")}";

    public override ValueTask DisposeAsync() => server.DisposeAsync();
}
