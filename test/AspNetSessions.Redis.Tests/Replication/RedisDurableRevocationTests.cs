using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using AspNetSessions.Redis.Tests.Cluster;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Replication;

/// <summary>
/// A revocation answered 204 is on a replica, so no failover undoes it (Redis <c>WAIT</c> behind the revoking script,
/// on the key's primary). Each test has its own Sentinel group or cluster: it kills the primary that holds the
/// sessions. "Cut off" is a replica that cannot receive what its primary writes: SIGSTOPped, with a replication stream
/// filled past the loopback socket buffers first (a stopped process's kernel still accepts bytes, so without the
/// filler the revocation would reach the replica on waking), so whatever the primary writes next dies with it.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RedisDurableRevocationTests
{
    // More than the loopback socket buffers can hold (tcp_rmem max 32 MiB + tcp_wmem max 4 MiB here); over the
    // replica output buffer's soft limit (64 MiB) only for seconds, far from the 60 s that would drop the replica.
    private const int FillerBytes = 80 * 1024 * 1024;
    private const int FillerChunk = 8 * 1024 * 1024;

    [Fact]
    public async Task Sentinel_a_revocation_a_cut_off_replica_never_confirmed_answers_503_and_its_retry_holds_after_the_failover()
    {
        await using var group = await RedisSentinel.StartAsync();
        var outcome = await CutOffThenFailOverAsync(group.ConfigurationString, _ => Task.FromResult(Sentinel(group)), revocationReplicas: null);
        await AssertRefusedThenRetriedAsync(outcome);
    }

    [Fact]
    public async Task Cluster_a_revocation_a_cut_off_replica_never_confirmed_answers_503_and_its_retry_holds_after_the_failover()
    {
        await using var cluster = await RedisCluster.StartAsync();
        var outcome = await CutOffThenFailOverAsync(cluster.ConfigurationString, prefix => ClusterAsync(cluster, prefix), revocationReplicas: null);
        await AssertRefusedThenRetriedAsync(outcome);
    }

    /// <summary>The bug the WAIT fixes, shown deterministically: without it, a sign-out answered 204 comes back to life.</summary>
    [Fact]
    public async Task Sentinel_without_waiting_for_a_replica_a_sign_out_answered_204_is_undone_by_the_failover()
    {
        await using var group = await RedisSentinel.StartAsync();
        var outcome = await CutOffThenFailOverAsync(group.ConfigurationString, _ => Task.FromResult(Sentinel(group)), revocationReplicas: "0");
        Assert.True(HttpStatusCode.NoContent == outcome.Logout, outcome.Logs);
        Assert.Equal(HttpStatusCode.OK, outcome.VictimAfterFailover);
    }

    [Fact]
    public async Task Cluster_without_waiting_for_a_replica_a_sign_out_answered_204_is_undone_by_the_failover()
    {
        await using var cluster = await RedisCluster.StartAsync();
        var outcome = await CutOffThenFailOverAsync(cluster.ConfigurationString, prefix => ClusterAsync(cluster, prefix), revocationReplicas: "0");
        Assert.True(HttpStatusCode.NoContent == outcome.Logout, outcome.Logs);
        Assert.Equal(HttpStatusCode.OK, outcome.VictimAfterFailover);
    }

    [Fact]
    public async Task Sentinel_with_a_healthy_replica_a_sign_out_answers_204_with_one_extra_command_and_stays_dead_after_the_primary_dies()
    {
        await using var group = await RedisSentinel.StartAsync();
        await HealthyThenFailOverAsync(group.ConfigurationString, _ => Task.FromResult(Sentinel(group)));
    }

    [Fact]
    public async Task Cluster_with_a_healthy_replica_a_sign_out_answers_204_with_one_extra_command_and_stays_dead_after_the_primary_dies()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await HealthyThenFailOverAsync(cluster.ConfigurationString, prefix => ClusterAsync(cluster, prefix));
    }

    /// <summary>
    /// The WAIT counts this revocation's write, not an earlier one: every write before it was confirmed, the replica is
    /// then stopped (it acknowledges nothing), and the revocation alone must fail. A WAIT sent ahead of the script, or
    /// on another connection, would answer 1 here.
    /// </summary>
    [Fact]
    public async Task The_wait_covers_the_revocations_own_write()
    {
        await using var group = await RedisSentinel.StartAsync();
        await using var store = new RedisStoreUnderTest(new RedisSessionStoreOptions { Configuration = group.ConfigurationString, KeyPrefix = RedisServerFixture.NewKeyPrefix(), RevocationReplicaTimeout = TimeSpan.FromMilliseconds(300) });
        var now = DateTimeOffset.UtcNow;
        var record = NewRecord("alice", now);
        await store.Store.CreateAsync(record, 0, now, CancellationToken.None);
        await store.Store.DeleteAsync(record.Session.Kind, SessionIds.New("alice"), CancellationToken.None); // loads the script
        await group.WaitForReplicationAsync();
        await group.Replica.SignalAsync("STOP");
        try
        {
            await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.Store.DeleteAsync(record.Session.Kind, record.Session.Id, CancellationToken.None));
        }
        finally
        {
            await group.Replica.SignalAsync("CONT");
        }

        Assert.Null(await store.Store.GetAsync(record.Session.Kind, record.Session.Id, now, CancellationToken.None)); // applied on the primary
    }

    private static SessionRecord NewRecord(string userId, DateTimeOffset now) => new(
        new Session
        {
            Id = SessionIds.New(userId),
            Kind = "browser",
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddHours(1),
        },
        RandomNumberGenerator.GetBytes(32));

    private static async Task AssertRefusedThenRetriedAsync(Outcome outcome)
    {
        // Never a 204 that a failover could undo: a 503 that says "retry".
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outcome.Logout);
        Assert.True(outcome.RetryAfter, "the 503 carries no Retry-After");
        // The promoted replica never received it (that is what the 503 said); the client's retry now lands.
        Assert.Equal(HttpStatusCode.OK, outcome.VictimAfterFailover);
        Assert.Equal(HttpStatusCode.NoContent, await outcome.Client.StatusAsync(HttpMethod.Post, "/api/logout", outcome.Victim.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await outcome.Client.StatusAsync(HttpMethod.Get, "/api/me", outcome.Victim.Token));
        outcome.Dispose();
    }

    private static async Task<Outcome> CutOffThenFailOverAsync(string configuration, Func<string, Task<ReplicatedPrimary>> locate, string? revocationReplicas)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        // A roomy command timeout: the primary is pushing 80 MiB of filler into a replication buffer, and on a busy machine
        // a sign-out must not time out for that (it would answer 503 for a reason this test is not about).
        var settings = new Dictionary<string, string?>
        {
            ["SessionAuth:Redis:RevocationReplicaTimeout"] = "00:00:00.300",
            ["SessionAuth:Redis:CommandTimeout"] = "00:00:05",
        };
        if (revocationReplicas is not null)
        {
            settings["SessionAuth:Redis:RevocationReplicas"] = revocationReplicas;
        }

        var logs = new CapturingLoggerProvider();
        var app = RedisSampleApp.Create(configuration, prefix, settings, s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var client = app.Client();
        var victim = await client.LoginAsync("alice");
        var keeper = await client.LoginAsync("alice");
        var pair = await locate(prefix);
        await pair.CaughtUp();

        HttpStatusCode logout;
        bool retryAfter;
        await pair.Replica.SignalAsync("STOP");
        try
        {
            var key = (await pair.Primary.ExecuteAsync("EVAL", "return redis.call('KEYS', ARGV[1])[1]", "0", prefix + "*:s:*"))!;
            var tag = key[key.IndexOf('{', StringComparison.Ordinal)..(key.IndexOf('}', StringComparison.Ordinal) + 1)];
            for (var written = 0; written < FillerBytes; written += FillerChunk)
            {
                // In chunks: each command stays short on a busy machine.
                await pair.Primary.ExecuteAsync("EVAL", "return redis.call('APPEND', KEYS[1], string.rep('x', tonumber(ARGV[1])))", "1", prefix + "filler:" + tag, FillerChunk.ToString(CultureInfo.InvariantCulture));
            }

            using var response = await client.SendAsync(HttpMethod.Post, "/api/logout", victim.Token);
            logout = response.StatusCode;
            retryAfter = response.Headers.RetryAfter is not null;
            await pair.Primary.StopAsync(); // SIGKILL: what it had not sent is lost
        }
        finally
        {
            await pair.Replica.SignalAsync("CONT");
        }

        await pair.Promote();
        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", keeper.Token), HttpStatusCode.OK));
        var after = await client.StatusAsync(HttpMethod.Get, "/api/me", victim.Token);
        return new Outcome(app, client, victim, logout, retryAfter, after, logs);
    }

    private static async Task HealthyThenFailOverAsync(string configuration, Func<string, Task<ReplicatedPrimary>> locate)
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        var logs = new CapturingLoggerProvider();
        using var app = RedisSampleApp.Create(configuration, prefix, services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        using var client = app.Client();
        var victim = await client.LoginAsync("alice");
        var keeper = await client.LoginAsync("alice");
        var pair = await locate(prefix);
        await pair.CaughtUp(); // healthy: every earlier write is on the replica
        // A first sign-out loads the revocation's script on the node (NOSCRIPT, then EVAL: each with its WAIT).
        Assert.True(HttpStatusCode.NoContent == await client.StatusAsync(HttpMethod.Post, "/api/logout", (await client.LoginAsync("alice")).Token), string.Join("\n", logs.Lines));

        await RedisListingSweep.SettledAsync(app.Services); // the sign-ins' sweep steps are not part of the count
        Assert.Equal("OK", await pair.Primary.ExecuteAsync("CONFIG", "RESETSTAT"));
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", victim.Token));
        await RedisListingSweep.SettledAsync(app.Services); // the sign-out's unlisting, which it does not await
        var stats = (await pair.Primary.ExecuteAsync("INFO", "commandstats"))!;
        // The sign-out's own commands: the authentication's script, the revocation's script, and one WAIT pipelined
        // behind it (no extra round trip to the app); then, not awaited, the listing index's unlist script, on this node
        // when it holds the listing (a Cluster's other primary may: EXISTS there answers MOVED). Other calls are the
        // probes' and the Sentinel's or the client's upkeep.
        var listingHere = await pair.Primary.ExecuteAsync("EXISTS", RedisListing.Key(prefix)) == "1";
        Assert.True(RedisInfo.Calls(stats, "wait") == 1, stats);
        Assert.Equal(listingHere ? 3 : 2, RedisInfo.Calls(stats, "evalsha"));
        Assert.Equal(0, RedisInfo.Calls(stats, "eval"));

        // No waiting for replication here: the 204 itself promised the replica has it.
        await pair.Primary.StopAsync();
        await pair.Promote();
        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", keeper.Token), HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", victim.Token));
    }

    private static ReplicatedPrimary Sentinel(RedisSentinel group) => new(group.Primary, group.Replica, group.WaitForReplicationAsync, async () =>
    {
        // The Sentinel may already be failing over by itself (down after 1 s); until the replica is seen healthy
        // again after SIGCONT it may answer NOGOODSLAVE: asked again until it is done or under way.
        await Eventually.ReturnsAsync(async () =>
        {
            var reply = await TryAsync(() => group.Sentinel.ExecuteAsync("SENTINEL", "FAILOVER", RedisSentinel.ServiceName));
            return reply == "OK" || reply.StartsWith("-INPROG", StringComparison.Ordinal) || await IsPrimaryAsync(group.Replica);
        }, true);
        Assert.True(await Eventually.ReturnsAsync(() => IsPrimaryAsync(group.Replica), true), "the replica was not promoted");
    });

    /// <summary>The cluster primary that holds the prefix's keys (one user: one slot) and its replica.</summary>
    private static async Task<ReplicatedPrimary> ClusterAsync(RedisCluster cluster, string prefix)
    {
        string? key = null;
        foreach (var node in await cluster.PrimariesAsync())
        {
            key ??= await node.ExecuteAsync("EVAL", "return redis.call('KEYS', ARGV[1])[1]", "0", prefix + "*:s:*");
        }

        Assert.NotNull(key);
        var (primary, replica) = await RedisClusterRevocation.OwnerAsync(cluster, key);
        return new ReplicatedPrimary(primary, replica, cluster.WaitForReplicationAsync, async () =>
        {
            await Eventually.ReturnsAsync(async () =>
            {
                await TryAsync(() => replica.ExecuteAsync("CLUSTER", "FAILOVER", "TAKEOVER"));
                return await IsPrimaryAsync(replica);
            }, true);
            Assert.True(await IsPrimaryAsync(replica), "the replica was not promoted");
            await cluster.WaitUntilHealthyAsync();
        });
    }

    private static async Task<bool> IsPrimaryAsync(RedisServer server) =>
        (await TryAsync(() => server.ExecuteAsync("INFO", "replication"))).Contains("role:master", StringComparison.Ordinal);

    // A role change drops connections, a probe's included: that reads as "not yet".
    private static async Task<string> TryAsync(Func<Task<string?>> call)
    {
        try
        {
            return await call() ?? string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private sealed record ReplicatedPrimary(RedisServer Primary, RedisServer Replica, Func<Task> CaughtUp, Func<Task> Promote);

    private sealed record Outcome(SampleApp App, HttpClient Client, SampleApi.Login Victim, HttpStatusCode Logout, bool RetryAfter, HttpStatusCode VictimAfterFailover,
        CapturingLoggerProvider LogLines) : IDisposable
    {
        /// <summary>What the app logged, for an assertion's message: why a sign-out was answered as it was.</summary>
        public string Logs => string.Join("\n", LogLines.Lines);

        public void Dispose()
        {
            Client.Dispose();
            App.Dispose();
        }
    }
}
