using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

public sealed class RedisTlsTests : IAsyncLifetime
{
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, Password = "tls-pw" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Commands_run_over_tls_when_the_certificate_is_accepted()
    {
        var expected = _server.TlsCertificate!.GetCertHashString();
        var configuration = RedisConfiguration.Parse(_server.TlsConfigurationString) with
        {
            CertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == expected,
        };
        await using var client = new RedisClient(configuration);

        await client.Execute("SET", "tls", new byte[] { 1, 2, 3 });

        Assert.Equal(new byte[] { 1, 2, 3 }, (await client.Execute("GET", "tls")).AsBytes());
        Assert.Contains($" laddr=127.0.0.1:{_server.TlsPort} ", (await client.Execute("CLIENT", "INFO")).AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Untrusted_certificate_fails_with_a_connection_exception()
    {
        await using var client = TestClients.Create(_server.TlsConfigurationString);

        var ex = await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.InnerException);
        Assert.DoesNotContain("tls-pw", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_client_on_the_tls_port_fails_instead_of_hanging()
    {
        await using var client = TestClients.Create($"127.0.0.1:{_server.TlsPort},connectTimeout=1000");

        await Assert.ThrowsAnyAsync<RedisConnectionException>(async () => await client.Execute("PING"));
    }
}
