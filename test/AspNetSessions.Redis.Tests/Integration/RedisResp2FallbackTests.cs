using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

/// <summary>A real server with HELLO renamed away behaves like a pre-6 server: the client must fall back to RESP2.</summary>
public sealed class RedisResp2FallbackTests : IAsyncLifetime
{
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions
    {
        Password = "pw-fallback",
        AclUser = "bob",
        AclPassword = "bob-pw",
        ExtraArguments = ["--rename-command", "HELLO", string.Empty],
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Falls_back_to_resp2_with_auth_setname_and_select()
    {
        await using var client = TestClients.Create(_server.ConfigurationString + ",name=legacy,defaultDatabase=2");

        Assert.Equal("PONG", (await client.Execute("PING")).AsString());
        Assert.Equal(2, client.Connection.Protocol);
        Assert.Equal("legacy", (await client.Execute("CLIENT", "GETNAME")).AsString());
        Assert.Contains(" db=2 ", (await client.Execute("CLIENT", "INFO")).AsString(), StringComparison.Ordinal);

        await client.Execute("HSET", "h", "a", "1");
        Assert.Equal(RespKind.Array, (await client.Execute("HGETALL", "h")).Kind);
    }

    [Fact]
    public async Task Falls_back_with_an_acl_user()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port},user=bob,password=bob-pw");

        Assert.Equal("bob", (await client.Execute("ACL", "WHOAMI")).AsString());
    }

    [Fact]
    public async Task Wrong_password_after_fallback_is_an_authentication_error()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port},password=nope");

        var ex = await Assert.ThrowsAsync<RedisAuthenticationException>(async () => await client.Execute("PING"));

        Assert.DoesNotContain("nope", ex.ToString(), StringComparison.Ordinal);
    }
}
