using System.Globalization;
using AspNetSessions.Redis;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// What a durable revocation costs: a session written and revoked on a Redis primary that has one replica, with
/// <c>RevocationReplicas</c> 0 (the revoke answers once the primary has it) and 1 (it also waits, with <c>WAIT</c>,
/// until the replica has it). Each call writes the session first, so every WAIT has a real write to wait for; the
/// write is the same in both, so the difference of the means is the WAIT. Starts its own primary and replica on free
/// loopback ports.
/// </summary>
[MemoryDiagnoser]
public class RedisRevocationReplicaBenchmarks
{
    private RedisServerProcess _primary = null!;
    private RedisServerProcess _replica = null!;
    private RedisSessionStore _store = null!;
    private SessionRecord _record = null!;

    [Params(0, 1)]
    public int RevocationReplicas { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _primary = await RedisServerProcess.StartAsync();
        _replica = await RedisServerProcess.StartAsync("--replicaof", "127.0.0.1", _primary.Port.ToString(CultureInfo.InvariantCulture));
        await using (var probe = await ConnectionMultiplexer.ConnectAsync(_primary.Configuration))
        {
            var server = probe.GetServer(probe.GetEndPoints()[0]);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (await server.RoleAsync() is not Role.Master { Replicas.Count: 1 })
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("The replica did not come online within 10 s.");
                }

                await Task.Delay(50); // bounded polling of a real process: the replica's first sync
            }
        }

        const string prefix = "bench:";
        var options = new RedisSessionStoreOptions { Configuration = _primary.Configuration, KeyPrefix = prefix, RevocationReplicas = RevocationReplicas };
        _store = new RedisSessionStore(new RedisConnection(options, NullLogger.Instance), prefix, NullLogger.Instance);
        _record = Fixtures.NewRecord("alice", new TokenHasher([]), new byte[SessionTokenCodec.KeyMaterialBytes], out _);
        await CreateAndRevoke(); // the scripts are loaded
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        await _replica.DisposeAsync();
        await _primary.DisposeAsync();
    }

    [Benchmark(Description = "write + revoke one session")]
    public async Task<bool> CreateAndRevoke()
    {
        await _store.CreateAsync(_record, 0, Fixtures.Now, default);
        return await _store.DeleteAsync(Fixtures.Kind, _record.Session.Id, default) ? true : throw new InvalidOperationException("The session was not revoked.");
    }
}
