using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.Integration;

/// <summary>Timeouts and keep-alive run on the injected clock: nothing fires until it moves, and then on time.</summary>
public sealed class RedisTimeProviderTests
{
    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Command_timeout_fires_when_the_injected_clock_passes_it_and_not_before()
    {
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(
            command => command[0] == "PING" ? "+PONG\r\n"u8.ToArray() : FakeRedisServer.Silence));
        var time = new FakeTimeProvider();
        await using var client = new RedisClient(
            RedisConfiguration.Parse(fake.ConfigurationString + ",asyncTimeout=5000,keepAlive=0"), logger: null, timeProvider: time);
        await client.Execute("PING");

        var pending = client.Execute("GET", "k").AsTask();
        time.Advance(TimeSpan.FromSeconds(4.5));
        Assert.False(pending.IsCompleted);
        Assert.True(client.IsConnected);

        time.Advance(TimeSpan.FromSeconds(1.5));

        await Assert.ThrowsAsync<RedisTimeoutException>(() => pending.WaitAsync(RealDeadline));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Idle_connection_is_pinged_after_keep_alive_on_the_injected_clock()
    {
        var idlePing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var echoed = 0;
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(command =>
        {
            if (command[0] == "ECHO")
            {
                Volatile.Write(ref echoed, 1);
                return FakeRedisServer.Bulk(command[1]);
            }

            if (command[0] == "PING" && Volatile.Read(ref echoed) == 1)
            {
                idlePing.TrySetResult();
            }

            return "+PONG\r\n"u8.ToArray();
        }));
        var time = new FakeTimeProvider();
        await using var client = new RedisClient(
            RedisConfiguration.Parse(fake.ConfigurationString + ",keepAlive=60"), logger: null, timeProvider: time);
        await client.Execute("ECHO", "x");

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(idlePing.Task.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));

        await idlePing.Task.WaitAsync(RealDeadline);
    }
}
