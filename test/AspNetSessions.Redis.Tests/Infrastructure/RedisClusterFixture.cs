namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>One shared <see cref="RedisCluster"/> for the tests of <see cref="RedisClusterCollection"/>; they keep apart by key prefix and never kill nodes.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The xunit collection whose tests share one <see cref="RedisClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Shared Redis Cluster";
}
