using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

[Collection(RedisCollection.Name)]
public sealed class RedisClientTests(RedisServerFixture fixture)
{
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();

    private RedisClient CreateClient(string options = "") => TestClients.Create(fixture.Server.ConfigurationString + options);

    [Fact]
    public async Task Set_and_get_round_trip_binary_values()
    {
        await using var client = CreateClient();
        var every = new byte[256];
        for (var i = 0; i < every.Length; i++)
        {
            every[i] = (byte)i;
        }

        var large = new byte[1_000_000];
        new Random(3).NextBytes(large);

        Assert.Equal("OK", (await client.Execute("SET", _prefix + "every", every)).AsString());
        Assert.Equal("OK", (await client.Execute("SET", _prefix + "large", large)).AsString());
        Assert.Equal("OK", (await client.Execute("SET", _prefix + "empty", Array.Empty<byte>())).AsString());

        Assert.Equal(every, (await client.Execute("GET", _prefix + "every")).AsBytes());
        Assert.Equal(large, (await client.Execute("GET", _prefix + "large")).AsBytes());
        var empty = await client.Execute("GET", _prefix + "empty");
        Assert.False(empty.IsNull);
        Assert.Empty(empty.AsBytes()!);
        Assert.True((await client.Execute("GET", _prefix + "missing")).IsNull);
    }

    [Fact]
    public async Task Text_and_integer_arguments_round_trip()
    {
        await using var client = CreateClient();

        await client.Execute("SET", _prefix + "text", "héllo €");
        await client.Execute("SET", _prefix + "n", -12345L);

        Assert.Equal("héllo €", (await client.Execute("GET", _prefix + "text")).AsString());
        Assert.Equal(-12345, (await client.Execute("GET", _prefix + "n")).AsInt64());
        Assert.Equal(-12344, (await client.Execute("INCR", _prefix + "n")).AsInt64());
    }

    [Fact]
    public async Task Does_not_connect_until_the_first_command()
    {
        await using var client = CreateClient();
        Assert.False(client.IsConnected);

        Assert.Equal("PONG", (await client.Execute("PING")).AsString());

        Assert.True(client.IsConnected);
        Assert.Equal(3, client.Connection.Protocol);
    }

    [Fact]
    public async Task Concurrent_callers_each_get_their_own_replies()
    {
        await using var client = CreateClient();
        const int Tasks = 40;
        const int PerTask = 30;

        var workers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                var payload = $"{t}:{i}:{Guid.NewGuid():N}";

                // Both in flight at once, from many tasks: replies must still be matched to their own command.
                var echo = client.Execute("ECHO", payload);
                var incr = client.Execute("INCR", $"{_prefix}counter:{t}");
                Assert.Equal(payload, (await echo).AsString());
                Assert.Equal(i + 1, (await incr).AsInt64());
            }
        }));
        await Task.WhenAll(workers);

        // And a burst issued before any reply is awaited.
        var burst = Enumerable.Range(0, 1000).Select(i => client.Execute("ECHO", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).AsTask()).ToArray();
        var replies = await Task.WhenAll(burst);
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), replies[i].AsString());
        }

        for (var t = 0; t < Tasks; t++)
        {
            Assert.Equal(PerTask, (await client.Execute("GET", $"{_prefix}counter:{t}")).AsInt64());
        }
    }

    [Fact]
    public async Task Error_reply_throws_server_exception_and_the_connection_stays_usable()
    {
        await using var client = CreateClient();
        await client.Execute("SET", _prefix + "s", "x");

        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await client.Execute("LPUSH", _prefix + "s", "y"));

        Assert.Equal("WRONGTYPE", ex.ErrorCode);
        Assert.StartsWith("WRONGTYPE", ex.Message, StringComparison.Ordinal);
        Assert.Equal("x", (await client.Execute("GET", _prefix + "s")).AsString());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Invalid_command_name_throws_without_harming_the_connection()
    {
        await using var client = CreateClient();
        await client.Execute("PING");

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await client.Execute(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await client.Execute(string.Empty));

        Assert.True(client.IsConnected);
        Assert.Equal("ok", (await client.Execute("ECHO", "ok")).AsString());
    }

    [Fact]
    public async Task Resp3_replies_arrive_as_maps()
    {
        await using var client = CreateClient();
        await client.Execute("HSET", _prefix + "h", "a", "1", "b", "2");

        var reply = await client.Execute("HGETALL", _prefix + "h");

        Assert.Equal(RespKind.Map, reply.Kind);
        Assert.Equal(4, reply.Count);
    }

    [Fact]
    public async Task Default_database_is_selected()
    {
        await using var db5 = CreateClient(",defaultDatabase=5");
        await using var db0 = CreateClient();
        await using var other5 = CreateClient(",defaultDatabase=5");

        await db5.Execute("SET", _prefix + "db", "five");

        Assert.True((await db0.Execute("GET", _prefix + "db")).IsNull);
        Assert.Equal("five", (await other5.Execute("GET", _prefix + "db")).AsString());
        Assert.Contains(" db=5 ", (await db5.Execute("CLIENT", "INFO")).AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_name_is_set()
    {
        await using var client = CreateClient(",name=session-store");

        Assert.Equal("session-store", (await client.Execute("CLIENT", "GETNAME")).AsString());
    }

    [Fact]
    public async Task Cancelled_command_does_not_disturb_reply_matching()
    {
        await using var client = CreateClient();
        await client.Execute("PING");
        using var cts = new CancellationTokenSource();

        // BLPOP blocks only this connection for 0.3 s; its reply arrives after the caller has given up.
        var blocked = client.ExecuteAsync("BLPOP", new RedisArg[] { _prefix + "list", "0.3" }, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blocked);

        Assert.Equal("after", (await client.Execute("ECHO", "after")).AsString());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Already_cancelled_token_throws_without_sending()
    {
        await using var client = CreateClient();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await client.ExecuteAsync("PING", ReadOnlyMemory<RedisArg>.Empty, new CancellationToken(canceled: true)));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Dispose_fails_pending_commands_and_later_commands()
    {
        var client = CreateClient();
        await client.Execute("PING");
        var blocked = client.Execute("BLPOP", _prefix + "never", "5");

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await client.DisposeAsync();

        await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await blocked);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.Execute("PING"));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Many_clients_can_share_the_server()
    {
        var clients = Enumerable.Range(0, 5).Select(_ => CreateClient()).ToArray();
        try
        {
            var replies = await Task.WhenAll(clients.Select((c, i) => c.Execute("ECHO", "c" + i).AsTask()));
            Assert.Equal(["c0", "c1", "c2", "c3", "c4"], replies.Select(r => r.AsString()));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
