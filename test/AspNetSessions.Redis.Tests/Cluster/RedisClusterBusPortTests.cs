using System.Globalization;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// The test cluster's nodes talk over bus ports chosen free for them (<c>cluster-port</c>). Redis's default, the client
/// port + 10000, was never checked: a full CI run once lost a cluster fixture to another process holding it.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterBusPortTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task Every_node_announces_the_bus_port_chosen_for_it()
    {
        foreach (var node in fixture.Cluster.Nodes)
        {
            Assert.NotEqual(0, node.ClusterBusPort);
            var nodes = await node.ExecuteAsync("CLUSTER", "NODES");
            var myself = Assert.Single(nodes!.Split('\n'), line => line.Contains("myself", StringComparison.Ordinal));
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{node.Host}:{node.Port}@{node.ClusterBusPort}"), myself, StringComparison.Ordinal);
        }
    }
}
