using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The servers that hold the data: the one server, the Sentinel-monitored primary, or every primary of a cluster
/// that serves slots. Kind-wide queries read them all; if one is not connected, the answer would be partial, so
/// the store is treated as unavailable.
/// </summary>
internal static class RedisPrimaries
{
    public static async Task<List<IServer>> AllAsync(IConnectionMultiplexer multiplexer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var servers = multiplexer.GetServers();
        var cluster = servers.FirstOrDefault(s => s.ServerType == ServerType.Cluster && s.IsConnected);
        var primaries = new List<IServer>();
        if (cluster is not null)
        {
            // The cluster's own view: primaries that serve slots (a failed primary has none once its replica took over).
            var nodes = await cluster.ClusterNodesAsync().WaitAsync(timeout, cancellationToken).ConfigureAwait(false)
                ?? throw new SessionStoreUnavailableException("Redis Cluster did not describe its nodes.");
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
