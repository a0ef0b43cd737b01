using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

public sealed class RedisAuthenticationTests : IAsyncLifetime
{
    private const string Password = "s3cret-Pa55";
    private const string AclPassword = "alice-Pa55";
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions
    {
        Password = Password,
        AclUser = "alice",
        AclPassword = AclPassword,
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Password_protected_server_works()
    {
        await using var client = TestClients.Create(_server.ConfigurationString);

        Assert.Equal("PONG", (await client.Execute("PING")).AsString());
        Assert.Equal("default", (await client.Execute("ACL", "WHOAMI")).AsString());
    }

    [Fact]
    public async Task Wrong_password_fails_with_a_clear_authentication_error_without_the_password()
    {
        var logger = new ListLogger();
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port},password=wrong-{Password}", logger);

        var ex = await Assert.ThrowsAsync<RedisAuthenticationException>(async () => await client.Execute("PING"));

        Assert.Contains("Authentication to Redis", ex.Message, StringComparison.Ordinal);
        Assert.Contains("failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WRONGPASS", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
        Assert.False(client.IsConnected);

        // Later commands fail fast while it keeps retrying in the background, naming the cause.
        var again = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));
        Assert.Contains("Authentication", again.Message, StringComparison.Ordinal);
        Assert.All(logger.Entries, e => Assert.DoesNotContain(Password, e.FullText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_password_fails_with_an_authentication_error()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port}");

        var ex = await Assert.ThrowsAsync<RedisAuthenticationException>(async () => await client.Execute("PING"));

        Assert.Contains("NOAUTH", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acl_user_works()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port},user=alice,password={AclPassword}");

        Assert.Equal("alice", (await client.Execute("ACL", "WHOAMI")).AsString());
    }

    [Fact]
    public async Task Acl_user_with_wrong_password_fails_naming_the_user_not_the_password()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.Port},user=alice,password={Password}");

        var ex = await Assert.ThrowsAsync<RedisAuthenticationException>(async () => await client.Execute("PING"));

        Assert.Contains("'alice'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }
}
