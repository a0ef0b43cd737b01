using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Cluster;

/// <summary>
/// A primary of the cluster is SIGKILLed under load: while its replica takes over, requests get 503 (never 500,
/// never a wrong 200); afterwards every session created before is valid, every session revoked before stays
/// revoked, and sign-in works, without restarting the app. Its own cluster: it kills a node.
/// </summary>
public sealed class RedisClusterFailoverTests
{
    private const int Users = 30;

    [Fact]
    public async Task Killing_the_busiest_primary_answers_503_meanwhile_and_loses_nothing_written_before()
    {
        await using var cluster = await RedisCluster.StartAsync(RedisCluster.FastFailureDetection);
        var prefix = RedisServerFixture.NewKeyPrefix();
        using var app = RedisSampleApp.WithDemoUsers(cluster, prefix, Users);
        using var client = app.Client();

        var valid = new List<SampleApi.Login>();
        var revoked = new List<SampleApi.Login>();
        for (var i = 0; i < Users; i++)
        {
            var user = RedisSampleApp.DemoUser(i);
            valid.Add(await client.LoginAsync(user, RedisSampleApp.DemoPassword));
            var dead = await client.LoginAsync(user, RedisSampleApp.DemoPassword);
            Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", dead.Token));
            revoked.Add(dead);
        }

        var primaries = await cluster.PrimariesAsync();
        var keys = new Dictionary<RedisServer, long>();
        foreach (var primary in primaries)
        {
            keys[primary] = long.Parse((await primary.ExecuteAsync("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", prefix + "*:s:*"))!, CultureInfo.InvariantCulture);
        }

        Assert.Equal(3, primaries.Count);
        Assert.All(keys, k => Assert.True(k.Value > 0, $"no session on the primary at port {k.Key.Port}"));
        await cluster.WaitForReplicationAsync();

        var answers = new ConcurrentBag<(bool Valid, HttpStatusCode Status)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var i = w;
            while (!stop.IsCancellationRequested)
            {
                var isValid = i % 2 == 0;
                var login = isValid ? valid[i / 2 % Users] : revoked[i / 2 % Users];
                answers.Add((isValid, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token)));
                i += 4;
            }
        })).ToArray();

        await Eventually.HoldsAsync(() => answers.Count >= 100);
        await keys.MaxBy(k => k.Value).Key.StopAsync(); // SIGKILL
        await cluster.WaitUntilHealthyAsync();
        await Eventually.HoldsAsync(() => answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable) > 0 || answers.Count > 2000);
        var settled = await Eventually.ReturnsAsync(async () => await AllValidAsync(client, valid), true);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(settled, "not every session created before the failure became valid again");
        Assert.All(answers.Where(a => a.Valid), a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(answers.Where(a => !a.Valid), a => Assert.Contains(a.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        foreach (var login in revoked)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        }

        var fresh = await client.LoginAsync(RedisSampleApp.DemoUser(0), RedisSampleApp.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", fresh.Token));
    }

    private static async Task<bool> AllValidAsync(HttpClient client, List<SampleApi.Login> logins)
    {
        foreach (var login in logins)
        {
            if (await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token) != HttpStatusCode.OK)
            {
                return false;
            }
        }

        return true;
    }
}
