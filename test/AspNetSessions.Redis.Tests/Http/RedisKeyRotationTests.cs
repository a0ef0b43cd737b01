using System.Net;
using System.Security.Cryptography;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>
/// HMAC key rotation across app restarts (sessions outlive the app on Redis): sessions created under the old key
/// still validate after a new key is added in front of it, and are rejected once the old key is removed.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisKeyRotationTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Old_key_sessions_validate_during_rotation_and_die_when_the_key_is_retired()
    {
        var prefix = RedisServerFixture.NewKeyPrefix();
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        SampleApi.Login before;
        using (var app = App(prefix, oldKey))
        using (var client = app.Client())
        {
            before = await client.LoginAsync();
        }

        SampleApi.Login during;
        using (var app = App(prefix, newKey, oldKey))
        using (var client = app.Client())
        {
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", before.Token));
            during = await client.LoginAsync();
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", during.Token));
        }

        using (var app = App(prefix, newKey))
        using (var client = app.Client())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", before.Token));
            Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", during.Token));
        }
    }

    private SampleApp App(string prefix, params string[] keys)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"SessionAuth:HashingKeys:{i}"] = keys[i];
        }

        return RedisSampleApp.Create(redis.Server, prefix, settings);
    }
}
