using System.Diagnostics;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

internal static class TestClients
{
    public static RedisClient Create(string configuration, ListLogger? logger = null) =>
        new(RedisConfiguration.Parse(configuration), logger);

    public static ValueTask<RespValue> Execute(this IRedisClient client, string command, params RedisArg[] args) =>
        client.ExecuteAsync(command, args, CancellationToken.None);

    /// <summary>
    /// Retries <paramref name="action"/> while it fails with a connection error, until <paramref name="deadline"/>:
    /// bounded polling, used only while a real redis-server process restarts or wakes up.
    /// </summary>
    public static async Task<RespValue> EventuallyAsync(Func<Task<RespValue>> action, TimeSpan deadline)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await action();
            }
            catch (RedisConnectionException) when (stopwatch.Elapsed < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public static int GetUnusedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
