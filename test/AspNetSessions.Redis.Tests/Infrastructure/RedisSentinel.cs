using System.Diagnostics;
using System.Globalization;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// One primary, one replica and one Sentinel monitoring them as <see cref="ServiceName"/>, on free loopback ports.
/// Clients connect through the Sentinel (<c>serviceName=…</c>) and follow it across <c>SENTINEL FAILOVER</c>.
/// </summary>
public sealed class RedisSentinel : IAsyncDisposable
{
    public const string ServiceName = "sessions";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private RedisSentinel(RedisServer primary, RedisServer replica, RedisServer sentinel) => (Primary, Replica, Sentinel) = (primary, replica, sentinel);

    /// <summary>The server that started as the primary.</summary>
    public RedisServer Primary { get; }

    /// <summary>The server that started as its replica.</summary>
    public RedisServer Replica { get; }

    public RedisServer Sentinel { get; }

    /// <summary>The client configuration: the Sentinel and the service name.</summary>
    public string ConfigurationString => string.Create(CultureInfo.InvariantCulture, $"{Sentinel.Host}:{Sentinel.Port},serviceName={ServiceName}");

    public static async Task<RedisSentinel> StartAsync()
    {
        var primary = await RedisServer.StartAsync();
        RedisServer? replica = null;
        RedisSentinel group;
        try
        {
            replica = await RedisServer.StartAsync(new RedisServerOptions { ExtraArguments = ["--replicaof", primary.Host, primary.Port.ToString(CultureInfo.InvariantCulture)] });
            group = new RedisSentinel(primary, replica, await RedisServer.StartAsync(new RedisServerOptions { SentinelFor = primary.Port }));
        }
        catch
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }

            await primary.DisposeAsync();
            throw;
        }

        var sentinel = group.Sentinel;
        try
        {
            await WaitUntilAsync(async () => (await replica.ExecuteAsync("INFO", "replication"))!.Contains("master_link_status:up", StringComparison.Ordinal));
            // The primary puts the replica online (what ROLE lists) at its first acknowledgement, a moment later.
            await WaitUntilAsync(async () => (await primary.ExecuteAsync("INFO", "replication"))!.Contains("state=online,", StringComparison.Ordinal));
            // Sentinel has discovered the replica (it needs one to fail over to).
            await WaitUntilAsync(async () => (await sentinel.ExecuteAsync("INFO", "sentinel"))!.Contains("slaves=1", StringComparison.Ordinal));
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks the Sentinel to fail over and waits until the replica is the primary.</summary>
    public async Task FailOverAsync()
    {
        var reply = await Sentinel.ExecuteAsync("SENTINEL", "FAILOVER", ServiceName);
        if (reply != "OK")
        {
            throw new InvalidOperationException("SENTINEL FAILOVER answered " + reply);
        }

        await WaitUntilAsync(async () => (await Replica.ExecuteAsync("INFO", "replication"))!.Contains("role:master", StringComparison.Ordinal));
    }

    /// <summary>Waits until the replica is online and has acknowledged everything the primary has written.</summary>
    public Task WaitForReplicationAsync() => WaitUntilAsync(async () =>
    {
        var info = (await Primary.ExecuteAsync("INFO", "replication"))!;
        var offset = info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("master_repl_offset:", StringComparison.Ordinal))["master_repl_offset:".Length..];
        // Online, not merely listed: a replica still in its first sync reports offset=0 too.
        return info.Contains("state=online,", StringComparison.Ordinal) && info.Contains("offset=" + offset + ",", StringComparison.Ordinal);
    });

    public async ValueTask DisposeAsync()
    {
        await Sentinel.DisposeAsync();
        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }

    // A role change drops client connections, a probe's included: that counts as "not yet".
    private static async Task<bool> HoldsAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await HoldsAsync(condition))
        {
            if (deadline.Elapsed > Deadline)
            {
                throw new InvalidOperationException("The Sentinel group did not reach the expected state in time.");
            }

            await Task.Delay(50); // bounded polling of real processes
        }
    }
}
