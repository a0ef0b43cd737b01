using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// The change channel when the Cluster node that holds an instance's subscription dies: the instance hears the feed
/// again once the cluster has healed (on another node), and a revocation through the other instance closes its live
/// connections within a second again. Its own cluster: it kills a node.
/// </summary>
public sealed class RedisClusterChannelFailoverTests
{
    [Fact]
    public async Task Killing_the_node_that_holds_the_subscription_leaves_revocations_closing_connections_within_a_second_once_healed()
    {
        await using var cluster = await RedisCluster.StartAsync(RedisCluster.FastFailureDetection);
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var first = RedisSampleApp.Create(cluster.ConfigurationString, prefix);
        using var second = RedisSampleApp.Create(cluster.ConfigurationString, prefix);
        var a = first.StartOnKestrel();
        var b = second.StartOnKestrel();
        var connections = second.Services.GetRequiredService<SessionLiveConnections>();
        await LiveConnectionScenario.SignOutOnAClosesTheConnectionsOnBWithinASecondAsync(a, b, () => connections.IsListening);

        var channel = prefix + "changes";
        var holder = Assert.Single(await SubscribedNodesAsync(cluster, channel));
        Assert.Contains(holder, await cluster.PrimariesAsync()); // the primary of the channel's slot: its replica takes over
        await cluster.WaitForReplicationAsync();
        await holder.StopAsync();
        await Eventually.HoldsAsync(() => !connections.IsListening);
        await cluster.WaitUntilHealthyAsync();

        await Eventually.HoldsAsync(() => connections.IsListening);
        Assert.NotEqual(holder, Assert.Single(await SubscribedNodesAsync(cluster, channel)));
        using var client = new HttpClient { BaseAddress = a };
        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Post, "/api/login", null,
            r => r.Content = System.Net.Http.Json.JsonContent.Create(new { username = "alice", password = "alice-password" })), HttpStatusCode.OK));
        await LiveConnectionScenario.SignOutOnAClosesTheConnectionsOnBWithinASecondAsync(a, b, () => connections.IsListening);
    }

    /// <summary>The running nodes on which someone subscribes to <paramref name="channel"/> (PUBSUB NUMSUB is per node in a Cluster).</summary>
    private static async Task<List<RedisServer>> SubscribedNodesAsync(RedisCluster cluster, string channel)
    {
        var nodes = new List<RedisServer>();
        foreach (var node in cluster.Nodes.Where(n => n.IsRunning))
        {
            var count = await node.ExecuteAsync("EVAL", "return redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]", "0", channel);
            if (long.Parse(count!, CultureInfo.InvariantCulture) > 0)
            {
                nodes.Add(node);
            }
        }

        return nodes;
    }
}
