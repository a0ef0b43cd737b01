using System.Text;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>
/// "A dump of the store authenticates nobody" on a real redis-server (issue #22): after an OpenID Connect-style sign-in
/// with saved tokens, every key of the server, every value read by its type and its <c>DUMP</c> serialization hold no
/// access, refresh or ID token and no marked claim or data in readable form.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisAtRestTests(RedisServerFixture redis)
{
    [Fact]
    public async Task A_dump_of_redis_holds_no_saved_token_and_no_marked_secret()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        await using var app = await AtRestScenario.StartAsync(sessions => sessions.AddRedisStore(o =>
        {
            o.Configuration = redis.Server.ConfigurationString;
            o.KeyPrefix = prefix;
        }));
        await app.SignInAsync();

        app.AssertNothingReadable(await DumpAsync(redis.Server.ConfigurationString));
    }

    /// <summary>Every key of the server (SCAN), with its value read by type and its DUMP bytes, as one text per key.</summary>
    private static async Task<List<string>> DumpAsync(string configuration)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var db = connection.GetDatabase();
        var dump = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 1000))
        {
            var text = new StringBuilder(key.ToString()).Append('\n');
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    text.Append(RedisHashText.Of(await db.HashGetAllAsync(key)));

                    break;
                case RedisType.SortedSet:
                    foreach (var entry in await db.SortedSetRangeByRankWithScoresAsync(key))
                    {
                        text.Append(entry.Element).Append('\n');
                    }

                    break;
                case RedisType.String:
                    text.Append(await db.StringGetAsync(key)).Append('\n');
                    break;
            }

            if (await db.KeyDumpAsync(key) is { } serialized)
            {
                text.Append(Encoding.Latin1.GetString(serialized));
            }

            dump.Add(text.ToString());
        }

        return dump;
    }
}
