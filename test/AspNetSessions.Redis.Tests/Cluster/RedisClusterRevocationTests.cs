using System.Diagnostics;
using AspNetSessions.Redis.Tests.Faults;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// In a Redis Cluster a revocation waits for the replica of the key's own primary: one WAIT there per revoke, none on
/// other nodes (the shared cluster).
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterRevocationTests(RedisClusterFixture redis)
{
    [Fact]
    public async Task A_revoke_sends_one_WAIT_to_the_keys_own_primary_and_its_replica_holds_it_on_return()
    {
        await redis.Cluster.WaitForReplicationAsync(); // replicas online: the default then waits for one
        await using var store = new RedisStoreUnderTest(RedisRevocationReplicaTests.Options(redis.Cluster.ConfigurationString));
        var manager = RedisRevocationReplicaTests.Manager(store);
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await manager.RevokeAsync((await manager.CreateAsync(new SessionCreateRequest { UserId = user })).Session.Id); // warm-up
            var session = await manager.CreateAsync(new SessionCreateRequest { UserId = user });
            var key = RedisRevocationReplicaTests.SessionKey(store, user, session.Session.Id);
            var (primary, replica) = await RedisClusterRevocation.OwnerAsync(redis.Cluster, key);
            var before = await WaitCallsAsync(redis.Cluster);

            Assert.True(await manager.RevokeAsync(session.Session.Id));

            var after = await WaitCallsAsync(redis.Cluster);
            Assert.Equal(1, after[primary] - before[primary]);
            Assert.Equal(1, after.Values.Sum() - before.Values.Sum());
            Assert.Equal("0", await RedisClusterRevocation.ExistsOnReplicaAsync(replica, key));
        }
    }

    private static async Task<Dictionary<RedisServer, long>> WaitCallsAsync(RedisCluster cluster)
    {
        var calls = new Dictionary<RedisServer, long>();
        foreach (var node in cluster.Nodes)
        {
            calls[node] = RedisInfo.Calls((await node.ExecuteAsync("INFO", "commandstats"))!, "wait");
        }

        return calls;
    }
}

/// <summary>Finding a key's nodes in a test cluster.</summary>
internal static class RedisClusterRevocation
{
    /// <summary>The primary holding <paramref name="key"/> (by the nodes' own view) and its replica.</summary>
    public static async Task<(RedisServer Primary, RedisServer Replica)> OwnerAsync(RedisCluster cluster, string key)
    {
        RedisServer? primary = null;
        foreach (var node in await cluster.PrimariesAsync())
        {
            if (await node.ExecuteAsync("EXISTS", key) == "1")
            {
                primary = node;
            }
        }

        Debug.Assert(primary is not null, "the key exists on one primary");
        foreach (var node in cluster.Nodes.Where(n => n.IsRunning))
        {
            if ((await node.ExecuteAsync("INFO", "replication"))!.Contains($"master_port:{primary.Port}\r", StringComparison.Ordinal))
            {
                return (primary, node);
            }
        }

        throw new InvalidOperationException($"No replica of the primary at port {primary.Port}.");
    }

    /// <summary>Whether a replica holds <paramref name="key"/>, by a keyless KEYS (a keyed command would be redirected to the primary).</summary>
    public static async Task<string?> ExistsOnReplicaAsync(RedisServer replica, string key) =>
        await replica.ExecuteAsync("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", key);
}
