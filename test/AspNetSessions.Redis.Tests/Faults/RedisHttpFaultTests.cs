using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AspNetSessions.Redis.Tests.Http;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Redis.Tests.Faults;

/// <summary>
/// "Not now" from a real redis-server, under the sample: sign-in, /api/me, listing, revoking and sign-out all answer
/// 503 with Retry-After (never 500) within the command timeout, and service resumes by itself.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RedisHttpFaultTests
{
    private static readonly Dictionary<string, string?> ShortTimeout = new() { ["SessionAuth:Redis:CommandTimeout"] = "00:00:00.300" };

    [Fact]
    public async Task Every_endpoint_answers_503_with_retry_after_while_redis_is_paused_then_resumes()
    {
        await using var server = await RedisServer.StartAsync();
        using var app = RedisSampleApp.Create(server, settings: ShortTimeout);
        using var client = app.Client();
        var login = await client.LoginAsync();
        var other = await client.LoginAsync();

        Assert.Equal("OK", await server.ExecuteAsync("CLIENT", "PAUSE", "4000", "ALL"));
        var started = Stopwatch.GetTimestamp();
        await Assert503Async(client.SendAsync(HttpMethod.Get, "/api/me", login.Token));
        await Assert503Async(client.PostAsJsonAsync("/api/login", new { username = "bob", password = "bob-password" }));
        await Assert503Async(client.SendAsync(HttpMethod.Get, "/api/sessions", login.Token));
        await Assert503Async(client.SendAsync(HttpMethod.Delete, $"/api/sessions/{other.SessionId}", login.Token));
        await Assert503Async(client.SendAsync(HttpMethod.Post, "/api/logout", login.Token));
        var took = Stopwatch.GetElapsedTime(started);
        Assert.True(took < TimeSpan.FromSeconds(3.5), $"five requests took {took} against a 300 ms command timeout");
        Assert.Equal("OK", await server.ExecuteAsync("CLIENT", "UNPAUSE"));

        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", other.Token)); // the revoke never happened
    }

    [Fact]
    public async Task A_frozen_redis_process_answers_503_then_service_resumes()
    {
        await using var server = await RedisServer.StartAsync();
        using var app = RedisSampleApp.Create(server, settings: ShortTimeout);
        using var client = app.Client();
        var login = await client.LoginAsync();

        await server.SignalAsync("STOP");
        try
        {
            await Assert503Async(client.SendAsync(HttpMethod.Get, "/api/me", login.Token));
            await Assert503Async(client.PostAsJsonAsync("/api/login", new { username = "bob", password = "bob-password" }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            await server.SignalAsync("CONT");
        }

        Assert.Equal(HttpStatusCode.OK, await Eventually.ReturnsAsync(() => client.StatusAsync(HttpMethod.Get, "/api/me", login.Token), HttpStatusCode.OK));
    }

    [Fact]
    public async Task Out_of_memory_and_a_read_only_replica_answer_503_never_500()
    {
        await using var server = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartAsync(new RedisServerOptions { ExtraArguments = ["--replicaof", server.Host, server.Port.ToString(CultureInfo.InvariantCulture)] });
        using (var onReplica = RedisSampleApp.Create(replica, settings: ShortTimeout))
        using (var client = onReplica.Client())
        {
            await Assert503Async(client.PostAsJsonAsync("/api/login", new { username = "alice", password = "alice-password" }));
        }

        using var app = RedisSampleApp.Create(server, settings: ShortTimeout);
        using var http = app.Client();
        var login = await http.LoginAsync();
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");

        await Assert503Async(http.PostAsJsonAsync("/api/login", new { username = "bob", password = "bob-password" }));
        app.Time.Advance(TimeSpan.FromMinutes(5)); // a slide is due: a write
        await Assert503Async(http.SendAsync(HttpMethod.Get, "/api/me", login.Token));
        await Assert503Async(http.SendAsync(HttpMethod.Post, "/api/logout", login.Token)); // its authentication slides first
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

        Assert.Equal(HttpStatusCode.NoContent, await http.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, await http.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
        var fresh = await http.LoginAsync("bob");
        Assert.Equal(HttpStatusCode.OK, await http.StatusAsync(HttpMethod.Get, "/api/me", fresh.Token));
    }

    private static async Task Assert503Async(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
