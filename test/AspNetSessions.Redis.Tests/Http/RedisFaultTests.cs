using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using AspNetSessions.Tokens;

namespace AspNetSessions.Redis.Tests.Http;

/// <summary>
/// Faults under the sample: Redis killed mid-load, a Redis too slow to answer, and peers that answer garbage or
/// hang up. Requests fail closed (503), never 500, never authenticated; the app recovers by itself.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RedisFaultTests
{
    [Fact]
    public async Task Redis_killed_mid_load_fails_closed_fast_and_recovers_after_restart()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        using var app = RedisSampleApp.Create(server);
        using var client = app.Client();
        var login = await client.LoginAsync();
        var statuses = new ConcurrentBag<(HttpStatusCode Status, TimeSpan Took, string Phase)>();
        var phase = "before";
        using var stop = new CancellationTokenSource(Eventually.Deadline);
        var recovered = new TaskCompletionSource();

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token);
                var current = Volatile.Read(ref phase);
                statuses.Add((status, Stopwatch.GetElapsedTime(started), current));
                if (current == "after" && status == HttpStatusCode.OK)
                {
                    recovered.TrySetResult();
                }
            }
        })).ToArray();

        await Eventually.HoldsAsync(() => statuses.Count(s => s.Phase == "before") >= 200);
        Volatile.Write(ref phase, "down"); // first, so no request that meets the outage is counted as "before"
        await server.StopAsync();
        await Eventually.HoldsAsync(() => statuses.Count(s => s.Phase == "down") >= 200);
        var restartedAt = Stopwatch.GetTimestamp();
        await server.RestartAsync();
        Volatile.Write(ref phase, "after");
        await recovered.Task.WaitAsync(Eventually.Deadline);
        var recovery = Stopwatch.GetElapsedTime(restartedAt);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.All(statuses, s => Assert.Contains(s.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(statuses.Where(s => s.Phase == "before"), s => Assert.Equal(HttpStatusCode.OK, s.Status));
        var down = statuses.Where(s => s.Phase == "down").ToArray();
        Assert.Contains(down, s => s.Status == HttpStatusCode.ServiceUnavailable);
        // Failing fast: while Redis is down nobody waits for a timeout (the thread pool is never tied up).
        // (The bound is far below the 5 s connect and command timeouts, with room for a busy machine.)
        Assert.True(down.Where(s => s.Status == HttpStatusCode.ServiceUnavailable).Max(s => s.Took) < TimeSpan.FromSeconds(2),
            $"slowest 503 took {down.Max(s => s.Took)}");
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"recovery took {recovery}");
    }

    [Fact]
    public async Task A_redis_slower_than_the_command_timeout_gets_503_within_the_timeout_then_recovers()
    {
        await using var server = await RedisServer.StartAsync();
        using var app = RedisSampleApp.Create(server, settings: new Dictionary<string, string?> { ["SessionAuth:Redis:CommandTimeout"] = "00:00:00.300" });
        using var client = app.Client();
        var login = await client.LoginAsync();

        var sleeping = server.ExecuteAsync("DEBUG", "SLEEP", "4");
        // Wait (bounded) until the sleep has begun: the server no longer answers a PING (it sleeps 4 s).
        Assert.False(await Eventually.ReturnsAsync(() => server.AnswersWithinAsync(TimeSpan.FromMilliseconds(100)), false));
        var started = Stopwatch.GetTimestamp();
        using (var response = await client.SendAsync(HttpMethod.Get, "/api/me", login.Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        var took = Stopwatch.GetElapsedTime(started);
        // Well before the server wakes up (4 s): the 300 ms command timeout answered, with room for a busy machine.
        Assert.True(took < TimeSpan.FromSeconds(3), $"the request took {took} against a 300 ms command timeout");
        await sleeping;

        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("wrong-type")]
    [InlineData("close")]
    [InlineData("half-reply")]
    public async Task A_misbehaving_server_never_crashes_the_app_and_never_authenticates(string behaviour)
    {
        await using var fake = new FakeRedisServer(FakeRedisServer.AfterHandshake(_ => behaviour switch
        {
            "garbage" => Encoding.ASCII.GetBytes("?!garbage\r\n"),
            "wrong-type" => Encoding.ASCII.GetBytes(":42\r\n"),
            "half-reply" => Encoding.ASCII.GetBytes("*9\r\n$5\r\nalice\r\n"),
            _ => null,
        }));
        using var app = RedisSampleApp.Create(fake.ConfigurationString + ",syncTimeout=500");
        using var client = app.Client();

        var token = WellFormedToken("alice");
        for (var i = 0; i < 5; i++)
        {
            var status = await client.StatusAsync(HttpMethod.Get, "/api/me", token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }

        using var login = await client.PostAsync("/api/login", new StringContent("{\"username\":\"alice\",\"password\":\"alice-password\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", null));
    }

    private static string WellFormedToken(string userId)
    {
        var material = new byte[SessionTokenCodec.KeyMaterialBytes];
        SessionTokenCodec.Generate(userId, material);
        return new SessionTokenCodec("sess").Format(material);
    }
}
