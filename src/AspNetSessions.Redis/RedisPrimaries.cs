using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The servers that hold the data: the one server, the Sentinel-monitored primary, or every primary of a cluster
/// that serves slots. Kind-wide queries read them all; if one is not connected, the answer would be partial, so
/// the store is treated as unavailable.
/// </summary>
internal static class RedisPrimaries
{
    public static List<IServer> All(IConnectionMultiplexer multiplexer)
    {
        var servers = multiplexer.GetServers();
        var cluster = servers.FirstOrDefault(s => s.ServerType == ServerType.Cluster && s.IsConnected);
        var primaries = new List<IServer>();
        if (cluster is not null)
        {
            // The multiplexer's view of the cluster (kept current from CLUSTER NODES as the topology changes):
            // primaries that serve slots. A failed primary has none once its replica took over.
            var nodes = cluster.ClusterConfiguration
                ?? throw new SessionStoreUnavailableException("The Redis Cluster topology is not known yet.");
            foreach (var node in nodes.Nodes)
            {
                if (!node.IsReplica && node.Slots.Count > 0 && node.EndPoint is { } endPoint)
                {
                    primaries.Add(multiplexer.GetServer(endPoint));
                }
            }
        }
        else
        {
            primaries.AddRange(servers.Where(s => s.ServerType != ServerType.Sentinel && !s.IsReplica));
        }

        if (primaries.Count == 0 || primaries.Any(p => !p.IsConnected))
        {
            throw new SessionStoreUnavailableException("Not every Redis primary is connected; a kind-wide query would be partial.");
        }

        return primaries;
    }
}
