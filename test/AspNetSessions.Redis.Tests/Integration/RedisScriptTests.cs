using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

public sealed class RedisScriptTests : IAsyncLifetime
{
    private static readonly RedisScript Script = new("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Script_hash_matches_the_servers()
    {
        Assert.Equal(Script.Sha1, await _server.ExecuteAsync("SCRIPT", "LOAD", Script.Text));
    }

    [Fact]
    public async Task Evalsha_runs_and_falls_back_to_eval_after_script_flush()
    {
        await using var client = TestClients.Create(_server.ConfigurationString);
        var keys = new RedisArg[] { "counter" };
        var binary = new byte[] { 0, 1, 2, 255 };

        // Not cached yet: NOSCRIPT, then EVAL (which caches it).
        var first = await client.EvalAsync(Script, keys, new RedisArg[] { binary }, default);
        Assert.Equal("counter", first[0].AsString());
        Assert.Equal(binary, first[1].AsBytes());
        Assert.Equal(1, first[2].AsInt64());
        Assert.Equal("1", (await client.Execute("SCRIPT", "EXISTS", Script.Sha1))[0].AsString());

        var second = await client.EvalAsync(Script, keys, new RedisArg[] { "x" }, default);
        Assert.Equal(2, second[2].AsInt64());

        Assert.Equal("OK", await _server.ExecuteAsync("SCRIPT", "FLUSH"));
        Assert.Equal("0", (await client.Execute("SCRIPT", "EXISTS", Script.Sha1))[0].AsString());

        var third = await client.EvalAsync(Script, keys, new RedisArg[] { "y" }, default);
        Assert.Equal(3, third[2].AsInt64());
        Assert.Equal("y", third[1].AsString());
    }

    [Fact]
    public async Task Script_errors_throw_server_exceptions()
    {
        await using var client = TestClients.Create(_server.ConfigurationString);
        var failing = new RedisScript("return redis.error_reply('MYERR something went wrong')");

        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await client.EvalAsync(failing, default, default, default));

        Assert.Equal("MYERR", ex.ErrorCode);
        Assert.Equal("PONG", (await client.Execute("PING")).AsString());
    }
}
