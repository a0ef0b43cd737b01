using System.Diagnostics;
using System.Globalization;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Redis.Tests.Store;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.Faults;

/// <summary>
/// Every way a real redis-server says "not now", at the store: each call fails with
/// <see cref="SessionStoreUnavailableException"/> (bounded by the command timeout), nothing is half-written, and
/// the store works again once the fault is gone. Each test has a server of its own (it pauses, fills, blocks or
/// freezes it).
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RedisStoreFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Answered = TimeSpan.FromSeconds(2); // the 300 ms bound, with room for a busy machine

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    private RedisServer _server = null!;
    private RedisStoreUnderTest _store = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _store = new RedisStoreUnderTest(_server, commandTimeout: Timeout);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_paused_server_times_out_every_call_within_the_command_timeout_then_recovers()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Equal("OK", await _server.ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL"));
        await AssertUnavailableAsync(async () => await manager.AuthenticateAsync(created.Token));
        await AssertUnavailableAsync(async () => await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" }));
        await AssertUnavailableAsync(async () => await manager.ListAsync(new SessionFilter { UserId = "alice" }));
        await AssertUnavailableAsync(async () => await manager.RevokeAsync(created.Session.Id));
        Assert.Equal("OK", await _server.ExecuteAsync("CLIENT", "UNPAUSE"));

        Assert.True(await Eventually.ReturnsAsync(async () => await TryAsync(async () => await manager.AuthenticateAsync(created.Token)) is not null, true));
    }

    [Fact]
    public async Task Out_of_memory_refuses_writes_as_an_outage_and_writes_nothing()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await _server.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await _server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");

        var error = await AssertUnavailableAsync(async () => await manager.CreateAsync(new SessionCreateRequest { UserId = "bob" }));
        Assert.Contains("OutOfMemory", error.Message, StringComparison.Ordinal);
        Assert.Equal("0", await _server.ExecuteAsync("EXISTS", $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("bob")}}}:u:bob"));
        var other = await AssertUnavailableAsync(async () => await manager.AuthenticateAsync(created.Token)); // a slide is a write
        Assert.Contains("OutOfMemory", other.Message, StringComparison.Ordinal);

        await _server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");
        Assert.NotNull(await manager.AuthenticateAsync(created.Token));
        Assert.NotNull(await manager.CreateAsync(new SessionCreateRequest { UserId = "bob" }));
    }

    [Fact]
    public async Task A_replica_answers_readonly_which_is_an_outage()
    {
        await using var replica = await RedisServer.StartAsync(new RedisServerOptions { ExtraArguments = ["--replicaof", _server.Host, _server.Port.ToString(CultureInfo.InvariantCulture)] });
        await using var store = new RedisStoreUnderTest(replica, commandTimeout: Timeout);
        // Uncapped, the write reaches the replica, which answers READONLY; capped (the default), it may evict, so it is sent
        // to a primary only, and a connection that sees none fails before sending. Either way: an outage, nothing written.
        var uncapped = new SessionManager("Session", new SessionAuthenticationOptions { Kind = "Session", MaxSessionsPerUser = 0 }, store.Store, _time, NullLogger<SessionManager>.Instance);
        var capped = new SessionManager("Session", new SessionAuthenticationOptions { Kind = "Session" }, store.Store, _time, NullLogger<SessionManager>.Instance);

        var error = await AssertUnavailableAsync(async () => await uncapped.CreateAsync(new SessionCreateRequest { UserId = "alice" }));
        await AssertUnavailableAsync(async () => await capped.CreateAsync(new SessionCreateRequest { UserId = "alice" }));

        Assert.Contains("ReadOnly", error.Message, StringComparison.Ordinal);
        Assert.Equal("0", await _server.ExecuteAsync("DBSIZE"));
        Assert.Equal("0", await replica.ExecuteAsync("DBSIZE"));
    }

    [Fact]
    public async Task A_server_busy_with_a_long_script_is_an_outage_until_it_finishes()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await _server.ExecuteAsync("CONFIG", "SET", "busy-reply-threshold", "100");
        // Busy for 2 s of server time; other clients get BUSY after 100 ms.
        var busy = _server.ExecuteAsync("EVAL", "local t = redis.call('TIME'); local s = tonumber(t[1]); while tonumber(redis.call('TIME')[1]) < s + 2 do end return 1", "0");
        // Wait (bounded) until the script has been running long enough for other clients to get BUSY.
        Assert.True(await Eventually.ReturnsAsync(async () => (await _server.ExecuteAsync("PING"))?.StartsWith("-BUSY", StringComparison.Ordinal) == true, true));

        var error = await AssertUnavailableAsync(async () => await manager.AuthenticateAsync(created.Token));
        Assert.True(error.Message.Contains("Busy", StringComparison.Ordinal) || error.Message.Contains("in time", StringComparison.Ordinal), error.Message);
        await busy;

        Assert.True(await Eventually.ReturnsAsync(async () => await TryAsync(async () => await manager.AuthenticateAsync(created.Token)) is not null, true));
    }

    [Fact]
    public async Task A_frozen_server_process_times_out_then_recovers_when_it_wakes()
    {
        // The session is written through a store of its own with the default command timeout: the 300 ms bound is
        // what is under test while the server is frozen, not a precondition a busy machine may miss.
        await using var setup = new RedisStoreUnderTest(new RedisSessionStoreOptions { Configuration = _server.ConfigurationString, KeyPrefix = _store.KeyPrefix });
        var created = await Manager(setup).CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var manager = Manager();
        // The 300 ms store connects (lazily) and answers once before the freeze, polled rather than asserted first
        // time, so that what follows times out a command rather than a connect.
        Assert.True(await Eventually.ReturnsAsync(async () => await TryAsync(async () => await manager.AuthenticateAsync(created.Token)) is not null, true));

        await _server.SignalAsync("STOP");
        try
        {
            await AssertUnavailableAsync(async () => await manager.AuthenticateAsync(created.Token));
            await AssertUnavailableAsync(async () => await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" }));
        }
        finally
        {
            await _server.SignalAsync("CONT");
        }

        Assert.True(await Eventually.ReturnsAsync(async () => await TryAsync(async () => await manager.AuthenticateAsync(created.Token)) is not null, true));
    }

    [Fact]
    public async Task Scripts_survive_a_script_flush_reloaded_by_the_script_cache()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.NotNull(await manager.AuthenticateAsync(created.Token));

        Assert.Equal("OK", await _server.ExecuteAsync("SCRIPT", "FLUSH"));
        Assert.Equal("OK", await _server.ExecuteAsync("CONFIG", "RESETSTAT"));

        Assert.NotNull(await manager.AuthenticateAsync(created.Token));
        Assert.NotNull(await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" }));
        Assert.Equal(2, (await manager.ListAsync(new SessionFilter { UserId = "alice" })).Count);
        await _store.Store.Sweep; // the create's listing sweep step, which runs after it returns (not awaited)

        // Each of the five scripts (find-and-slide, the listing index's add, create, query, the sweep's listing page) went
        // as text once after its NOSCRIPT (StackExchange.Redis sends SCRIPT LOAD and EVAL: two commands); every later call is by hash.
        var loaded = await ScriptTextsSentAsync();
        Assert.True(loaded is >= 5 and <= 10, (await _server.ExecuteAsync("INFO", "commandstats"))!);
        for (var i = 0; i < 20; i++)
        {
            Assert.NotNull(await manager.AuthenticateAsync(created.Token));
        }

        Assert.Equal(loaded, await ScriptTextsSentAsync());
        Assert.True(RedisInfo.Calls((await _server.ExecuteAsync("INFO", "commandstats"))!, "evalsha") >= 20);
    }

    private async Task<long> ScriptTextsSentAsync()
    {
        var info = (await _server.ExecuteAsync("INFO", "commandstats"))!;
        return RedisInfo.Calls(info, "eval") + RedisInfo.Calls(info, "script|load");
    }

    private SessionManager Manager() => Manager(_store);

    private SessionManager Manager(RedisStoreUnderTest store) =>
        new("Session", new SessionAuthenticationOptions { Kind = "Session", SlidingGranularity = TimeSpan.Zero }, store.Store, _time, NullLogger<SessionManager>.Instance);

    private static async Task<T?> TryAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SessionStoreUnavailableException)
        {
            return default;
        }
    }

    private static async Task<SessionStoreUnavailableException> AssertUnavailableAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(call);
        var took = Stopwatch.GetElapsedTime(started);
        Assert.True(took < Answered, $"the call took {took} against a {Timeout.TotalMilliseconds} ms command timeout");
        return error;
    }
}
