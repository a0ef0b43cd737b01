using System.Diagnostics;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

public sealed class RedisConnectionFailureTests
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(2); // far below the 5 s timeouts a queued command would wait

    [Fact]
    public async Task Unreachable_server_fails_with_a_connection_exception_and_construction_never_throws()
    {
        var port = TestClients.GetUnusedPort();
        var logger = new ListLogger();
        await using var client = TestClients.Create($"127.0.0.1:{port},connectTimeout=2000,syncTimeout=10000", logger);
        Assert.False(client.IsConnected);

        var first = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));
        Assert.IsNotType<RedisTimeoutException>(first);

        // While it retries in the background, commands fail at once.
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));
        }

        Assert.True(stopwatch.Elapsed < FailFast, $"50 commands took {stopwatch.Elapsed}");
        Assert.Single(logger.Entries, e => e.EventId.Id == 1404);
    }

    [Fact]
    public async Task Server_stopped_commands_fail_fast_then_client_recovers_after_restart_by_itself()
    {
        const string Password = "restart-Pa55";
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = Password, AppendOnly = true });
        var logger = new ListLogger();
        await using var client = TestClients.Create(server.ConfigurationString + ",syncTimeout=10000", logger);
        await client.Execute("SET", "survives", "yes");

        await server.StopAsync();

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            var ex = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("GET", "survives"));
            Assert.IsNotType<RedisTimeoutException>(ex);
        }

        Assert.True(stopwatch.Elapsed < FailFast, $"20 commands took {stopwatch.Elapsed}");
        Assert.False(client.IsConnected);

        await server.RestartAsync();
        var value = await TestClients.EventuallyAsync(async () => await client.Execute("GET", "survives"), TimeSpan.FromSeconds(15));

        Assert.Equal("yes", value.AsString());
        Assert.True(client.IsConnected);
        var entries = logger.Entries;
        Assert.Single(entries, e => e.EventId.Id == 1401); // connected
        Assert.Single(entries, e => e.EventId.Id == 1402); // lost: once per outage, not per failed command
        Assert.Single(entries, e => e.EventId.Id == 1403); // reconnected
        Assert.All(entries, e => Assert.DoesNotContain(Password, e.FullText, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain("survives", e.FullText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pending_commands_fail_with_a_connection_exception_when_the_server_dies()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = TestClients.Create(server.ConfigurationString + ",syncTimeout=10000");
        await client.Execute("PING");
        var pending = client.Execute("BLPOP", "nothing", "8");

        var stopwatch = Stopwatch.StartNew();
        await server.StopAsync();

        var ex = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await pending);
        Assert.IsNotType<RedisTimeoutException>(ex);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Slow_reply_from_a_real_server_times_out_and_the_connection_is_reestablished()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = TestClients.Create(server.ConfigurationString + ",asyncTimeout=300,connectTimeout=2000");
        await client.Execute("PING");

        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await client.Execute("DEBUG", "SLEEP", "4"));

        // Long before the server wakes (4 s): the 300 ms timeout fired, with room for a busy machine.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(3));
        Assert.Contains("DEBUG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("300 ms", ex.Message, StringComparison.Ordinal);

        // The server wakes up; the client reconnects by itself and matches replies correctly again.
        var reply = await TestClients.EventuallyAsync(async () => await client.Execute("ECHO", "awake"), TimeSpan.FromSeconds(15));
        Assert.Equal("awake", reply.AsString());
    }

    [Fact]
    public async Task Server_that_goes_silent_after_the_handshake_times_out_and_is_reconnected()
    {
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(_ => FakeRedisServer.Silence));
        await using var client = TestClients.Create(fake.ConfigurationString + ",asyncTimeout=300,keepAlive=0");

        var stopwatch = Stopwatch.StartNew();
        var first = client.Execute("GET", "a");
        var second = client.Execute("GET", "b");
        await Assert.ThrowsAsync<RedisTimeoutException>(async () => await first);
        var elapsed = stopwatch.Elapsed;

        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(4)); // 300 ms, with room for a busy machine
        await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await second);

        // The broken connection is replaced in the background.
        await fake.WaitForConnectionsAsync(2).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Server_that_never_answers_the_handshake_times_out_within_the_connect_timeout()
    {
        await using var fake = new FakeRedisServer(_ => FakeRedisServer.Silence);
        await using var client = TestClients.Create(fake.ConfigurationString + ",connectTimeout=300,syncTimeout=300");

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisTimeoutException>(async () => await client.Execute("PING"));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(4)); // 300 ms, not the 5 s default, with room for a busy machine
    }

    public static TheoryData<string> GarbageReplies =>
    [
        "HTTP/1.1 400 Bad Request\r\n\r\n",
        "$3\r\nabcXY",
        ":12x\r\n",
        "*2\r\n+ok\r\n?\r\n",
        "\0\0\0\0",
    ];

    [Theory]
    [MemberData(nameof(GarbageReplies))]
    public async Task Garbage_reply_fails_with_a_protocol_error_never_a_value(string garbage)
    {
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(command => command[0] == "GET"
            ? System.Text.Encoding.ASCII.GetBytes(garbage)
            : "+PONG\r\n"u8.ToArray()));
        await using var client = TestClients.Create(fake.ConfigurationString + ",syncTimeout=10000");
        Assert.Equal("PONG", (await client.Execute("PING")).AsString());

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisProtocolException>(async () => await client.Execute("GET", "k"));

        Assert.True(stopwatch.Elapsed < FailFast, $"took {stopwatch.Elapsed}");
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Garbage_during_the_handshake_fails_with_a_connection_exception()
    {
        await using var fake = new FakeRedisServer(_ => "GARBAGE\r\n"u8.ToArray());
        await using var client = TestClients.Create(fake.ConfigurationString + ",syncTimeout=10000,connectTimeout=10000");

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Server_closing_the_connection_fails_the_pending_command()
    {
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(_ => null));
        await using var client = TestClients.Create(fake.ConfigurationString + ",syncTimeout=10000");

        var ex = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("GET", "k"));

        Assert.IsNotType<RedisTimeoutException>(ex);
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
    }
}
