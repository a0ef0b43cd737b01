namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// One shared open <see cref="RedisServer"/> for the tests of <see cref="RedisCollection"/>. Tests sharing it keep
/// apart with unique key prefixes (<see cref="NewKeyPrefix"/>) and never flush or block the server.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The shared server.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewKeyPrefix() => "test:" + Guid.NewGuid().ToString("N") + ":";

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
