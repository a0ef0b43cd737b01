using System.Diagnostics;
using System.Globalization;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// A local Redis Cluster of 3 primaries and 3 replicas on free loopback ports: six <c>redis-server
/// --cluster-enabled yes</c> processes joined by <c>redis-cli --cluster create … --cluster-replicas 1
/// --cluster-yes</c>, ready once every node reports <c>cluster_state:ok</c>.
/// </summary>
/// <remarks>
/// The node timeout is how long a node may go unanswered before the others vote it failed. Tests that kill a node and
/// wait for the cluster to notice ask for <see cref="FastFailureDetection"/> (a replica takes over a killed primary in
/// a few seconds). Every other cluster gets <see cref="NoSpuriousFailures"/>: on a loaded machine a primary busy with
/// a large write can miss the short timeout, be voted failed, and the whole cluster answer <c>CLUSTERDOWN</c> to a
/// test that is about something else (seen for a primary writing 80 MiB of replication filler at load average 9).
/// </remarks>
public sealed class RedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(30);

    /// <summary>A node timeout for tests whose failover the cluster must detect by itself.</summary>
    public static readonly TimeSpan FastFailureDetection = TimeSpan.FromSeconds(1);

    /// <summary>The node timeout of every other test cluster: failovers there are made by hand, never detected.</summary>
    public static readonly TimeSpan NoSpuriousFailures = TimeSpan.FromSeconds(15);

    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    /// <summary>Every node, in creation order (the first three start as primaries).</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>A configuration string naming every node.</summary>
    public string ConfigurationString => string.Join(",", Nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Host}:{n.Port}")));

    public static async Task<RedisCluster> StartAsync(TimeSpan? nodeTimeout = null)
    {
        var nodeTimeoutMs = ((long)(nodeTimeout ?? NoSpuriousFailures).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var nodes = new List<RedisServer>();
        try
        {
            // One after the other: each node is in the list (and disposed on failure) as soon as it runs.
            for (var i = 0; i < 6; i++)
            {
                nodes.Add(await RedisServer.StartAsync(new RedisServerOptions
                {
                    // No 5 s wait (Redis 7's default) before a replica's diskless first sync: WaitForReplicationAsync returns sooner.
                    ClusterNode = true,
                    ExtraArguments = ["--cluster-node-timeout", nodeTimeoutMs, "--repl-diskless-sync-delay", "0"],
                }));
            }

            var create = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--cluster", "create" }.Concat(nodes.Select(n => $"{n.Host}:{n.Port}")).Concat(["--cluster-replicas", "1", "--cluster-yes"]))
            {
                create.ArgumentList.Add(arg);
            }

            using (var process = Process.Start(create)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(ReadyDeadline);
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"redis-cli --cluster create failed: {await output}{await error}");
                }
            }

            var cluster = new RedisCluster(nodes);
            await WaitForStateOkAsync(nodes);
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The nodes that are primaries right now (by <c>ROLE</c>'s view in <c>INFO replication</c>).</summary>
    public async Task<List<RedisServer>> PrimariesAsync()
    {
        var primaries = new List<RedisServer>();
        foreach (var node in Nodes.Where(n => n.IsRunning))
        {
            if ((await node.ExecuteAsync("INFO", "replication"))!.Contains("role:master", StringComparison.Ordinal))
            {
                primaries.Add(node);
            }
        }

        return primaries;
    }

    /// <summary>The primary that serves the hash slot of <paramref name="key"/> right now (by its own <c>CLUSTER NODES</c> line).</summary>
    public async Task<RedisServer> PrimaryOfAsync(string key)
    {
        var slot = int.Parse((await Nodes.First(n => n.IsRunning).ExecuteAsync("CLUSTER", "KEYSLOT", key))!, CultureInfo.InvariantCulture);
        foreach (var primary in await PrimariesAsync())
        {
            // <id> <ip:port@bus> myself,master <-> <ping> <pong> <epoch> connected <slot or from-to>...
            var myself = (await primary.ExecuteAsync("CLUSTER", "NODES"))!.Split('\n').Single(l => l.Contains("myself", StringComparison.Ordinal));
            foreach (var range in myself.Trim().Split(' ').Skip(8).Where(r => !r.StartsWith('[')))
            {
                var bounds = range.Split('-').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                if (slot >= bounds[0] && slot <= bounds[^1])
                {
                    return primary;
                }
            }
        }

        throw new InvalidOperationException($"No primary serves slot {slot}.");
    }

    /// <summary>Waits until every running node says <c>cluster_state:ok</c>.</summary>
    public Task WaitUntilHealthyAsync() => WaitForStateOkAsync(Nodes.Where(n => n.IsRunning).ToList());

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until the replica of every running primary is online and has received everything it has written.</summary>
    public async Task WaitForReplicationAsync()
    {
        var deadline = Stopwatch.StartNew();
        foreach (var primary in await PrimariesAsync())
        {
            // Bounded polling of real processes: the replica's acknowledged offset reaches the primary's.
            while (true)
            {
                var info = (await primary.ExecuteAsync("INFO", "replication"))!;
                var offset = Field(info, "master_repl_offset");
                var replica = info.Split('\n').FirstOrDefault(l => l.StartsWith("slave0:", StringComparison.Ordinal));
                // Online: a replica still in its first sync (wait_bgsave) also reports offset=0.
                if (replica is not null && replica.Contains("state=online,", StringComparison.Ordinal) && replica.Contains("offset=" + offset + ",", StringComparison.Ordinal))
                {
                    break;
                }

                if (deadline.Elapsed > ReadyDeadline)
                {
                    throw new InvalidOperationException("Replication did not catch up: " + info);
                }

                await Task.Delay(50);
            }
        }
    }

    private static string Field(string info, string name) =>
        info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..];

    private static async Task WaitForStateOkAsync(IReadOnlyList<RedisServer> nodes)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ok = true;
            foreach (var node in nodes)
            {
                var info = await node.ExecuteAsync("CLUSTER", "INFO") ?? string.Empty;
                ok &= info.Contains("cluster_state:ok", StringComparison.Ordinal);
            }

            if (ok)
            {
                return;
            }

            if (deadline.Elapsed > ReadyDeadline)
            {
                throw new InvalidOperationException("The cluster did not reach cluster_state:ok in time.");
            }

            await Task.Delay(100); // bounded polling: the nodes gossip their way to a healthy state
        }
    }
}
