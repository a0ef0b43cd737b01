using AspNetSessions.Redis.Tests.Cluster;
using AspNetSessions.Redis.Tests.Faults;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Sentinel;

/// <summary>
/// Through Sentinel, in a group of its own: a healthy revoke costs one WAIT on the primary; with the replica frozen
/// (SIGSTOP) the revoke is answered unavailable though applied on the primary; the primary is killed, the Sentinel
/// promotes the replica, and the revocation, retried as the 503 tells the caller to, stays while the session
/// written before lives on.
/// </summary>
public sealed class RedisSentinelRevocationTests
{
    [Fact]
    public async Task A_revocation_the_replica_never_confirmed_is_503_and_after_the_sentinel_failover_the_retried_revocation_holds()
    {
        await using var group = await RedisSentinel.StartAsync();
        await using var store = new RedisStoreUnderTest(RedisRevocationReplicaTests.Options(group.ConfigurationString, replicaTimeout: TimeSpan.FromMilliseconds(300)));
        var manager = RedisRevocationReplicaTests.Manager(store);
        await manager.RevokeAsync((await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" })).Session.Id); // warm-up
        var kept = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var healthy = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var doomed = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var before = RedisInfo.Calls((await group.Primary.ExecuteAsync("INFO", "commandstats"))!, "wait");
        Assert.True(await manager.RevokeAsync(healthy.Session.Id));
        Assert.Equal(before + 1, RedisInfo.Calls((await group.Primary.ExecuteAsync("INFO", "commandstats"))!, "wait"));
        await group.WaitForReplicationAsync();

        var key = RedisRevocationReplicaTests.SessionKey(store, "alice", doomed.Session.Id);
        await group.Replica.SignalAsync("STOP");
        try
        {
            await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => manager.RevokeAsync(doomed.Session.Id));
            Assert.Equal("0", await group.Primary.ExecuteAsync("EXISTS", key)); // applied on the primary
        }
        finally
        {
            await group.Primary.StopAsync(); // SIGKILL: the primary is lost
            await group.Replica.SignalAsync("CONT");
        }

        // The Sentinel sees the primary down (1 s) and promotes the replica.
        Assert.Equal("role:master", await Eventually.ReturnsAsync(() => RoleAsync(group.Replica), "role:master"));

        // The caller retries the 503 (idempotent) until it succeeds on the promoted replica.
        Assert.True(await Eventually.ReturnsAsync(async () => await RedisClusterRevocation.SucceedsAsync(() => manager.RevokeAsync(doomed.Session.Id)), true));
        Assert.Null(await manager.AuthenticateAsync(doomed.Token));
        Assert.Null(await manager.AuthenticateAsync(healthy.Token));
        Assert.Equal("0", await group.Replica.ExecuteAsync("EXISTS", key));
        Assert.Equal(kept.Session.Id, (await manager.AuthenticateAsync(kept.Token))?.Id);
    }

    // A role change drops client connections, a probe's included: that counts as "not yet".
    private static async Task<string> RoleAsync(RedisServer server)
    {
        try
        {
            var info = await server.ExecuteAsync("INFO", "replication") ?? string.Empty;
            return info.Contains("role:master", StringComparison.Ordinal) ? "role:master" : "other";
        }
        catch (IOException)
        {
            return "other";
        }
    }
}
