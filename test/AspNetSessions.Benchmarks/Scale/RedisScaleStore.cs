using System.Globalization;
using AspNetSessions.Redis;
using AspNetSessions.Stores;
using StackExchange.Redis;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>
/// The Redis store on its own redis-server (default configuration: no <c>*-max-listpack-*</c> tuning); its bytes are
/// <c>INFO memory</c>'s <c>used_memory</c>. Loads with pipelined creates through the store (the real scripts and layout).
/// </summary>
internal sealed class RedisScaleStore : ScaleStore
{
    private const string KeyPrefix = "aspnetsessions:";

    private readonly RedisServerProcess _server;
    private readonly RedisSessionStore _store;
    private readonly ConnectionMultiplexer _admin;

    private RedisScaleStore(RedisServerProcess server, ConnectionMultiplexer admin)
    {
        _server = server;
        _admin = admin;
        // Bulk loads queue thousands of scripts on a machine shared with other work: no 1 s deadline for them.
        _store = server.CreateStore(KeyPrefix, TimeSpan.FromSeconds(30));
    }

    public override ISessionStore Store => _store;

    public static async Task<ScaleStore> StartAsync()
    {
        var server = await RedisServerProcess.StartAsync();
        return new RedisScaleStore(server, await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true"));
    }

    public override async Task<long> BytesAsync()
    {
        var info = (string?)await ExecuteAsync("INFO", "memory") ?? "";
        var line = info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..], CultureInfo.InvariantCulture);
    }

    public override Task AddAsync(IReadOnlyList<SessionRecord> records) => CreateAllAsync(records);

    public override async Task<string?> DescribeAsync(SessionRecord sample)
    {
        var session = _store.SessionKey(sample.Session.Kind, sample.Session.Id);
        var index = _store.IndexKey(sample.Session.Kind, sample.Session.UserId);
        var (hash, hashBytes, fields) = (await ExecuteAsync("OBJECT", "ENCODING", session), await ExecuteAsync("MEMORY", "USAGE", session), await ExecuteAsync("HLEN", session));
        var (zset, zsetBytes, sessions) = (await ExecuteAsync("OBJECT", "ENCODING", index), await ExecuteAsync("MEMORY", "USAGE", index), await ExecuteAsync("ZCARD", index));
        return $"session hash `{session}`: {hash}, MEMORY USAGE {hashBytes} B, {fields} fields; its user's index `{index}`: {zset}, MEMORY USAGE {zsetBytes} B, {sessions} sessions";
    }

    public override Task ResetServerStatsAsync() => ExecuteAsync("CONFIG", "RESETSTAT");

    /// <summary>redis-server's own CPU time per script run (<c>INFO commandstats</c>: <c>evalsha</c>), which a busy client machine does not blur.</summary>
    public override async Task<string?> ServerCostAsync()
    {
        var stats = (string?)await ExecuteAsync("INFO", "commandstats") ?? "";
        var line = stats.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal));
        var perCall = line?.Split(',').FirstOrDefault(p => p.StartsWith("usec_per_call=", StringComparison.Ordinal));
        return perCall is null ? null : perCall["usec_per_call=".Length..] + " µs of redis-server CPU per lookup script";
    }

    public override async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _admin.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<RedisResult> ExecuteAsync(string command, params object[] args) =>
        await _admin.GetDatabase().ExecuteAsync(command, args);
}
