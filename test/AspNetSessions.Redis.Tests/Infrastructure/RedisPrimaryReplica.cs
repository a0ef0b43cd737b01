using System.Globalization;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// A replicated single node: a primary and one replica (<c>--replicaof</c>) on free loopback ports, no Sentinel.
/// The store is pointed at the primary alone, as an app behind a replicated single node would be.
/// </summary>
public sealed class RedisPrimaryReplica : IAsyncDisposable
{
    private RedisPrimaryReplica(RedisServer primary, RedisServer replica) => (Primary, Replica) = (primary, replica);

    public RedisServer Primary { get; }

    public RedisServer Replica { get; }

    public static async Task<RedisPrimaryReplica> StartAsync()
    {
        var primary = await RedisServer.StartAsync();
        try
        {
            var replica = await RedisServer.StartAsync(new RedisServerOptions { ExtraArguments = ["--replicaof", primary.Host, primary.Port.ToString(CultureInfo.InvariantCulture)] });
            var pair = new RedisPrimaryReplica(primary, replica);
            // Bounded polling of real processes: the replica has synced and the primary counts it online (what ROLE lists).
            var linked = await Eventually.ReturnsAsync(async () => (await primary.ExecuteAsync("INFO", "replication"))!.Contains("state=online,", StringComparison.Ordinal), true);
            if (!linked)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException("The replica did not link to its primary in time.");
            }

            return pair;
        }
        catch
        {
            await primary.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
