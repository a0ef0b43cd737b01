namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>The xunit collection whose tests share one <see cref="RedisServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>The collection name for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "Shared redis-server";
}
