using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Integration;

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// Guards the hot path against per-command allocations creeping in (closures, boxes, LINQ): the process-wide
/// allocation count over many sequential commands, so this runs alone (no parallel tests).
/// </summary>
[Collection(nameof(AllocationTests))]
public sealed class AllocationTests
{
    private const int Operations = 5000;

    [Fact]
    public async Task Commands_allocate_little_more_than_their_reply_payloads()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = TestClients.Create(server.ConfigurationString);
        var set = new RedisArg[] { "k", new byte[100] };
        var get = new RedisArg[] { "k" };
        var script = new RedisScript("return redis.call('GET', KEYS[1])");
        for (var i = 0; i < 500; i++)
        {
            await client.ExecuteAsync("SET", set, default);
            await client.EvalAsync(script, get, default, default);
        }

        var setBytes = await MeasureAsync(() => client.ExecuteAsync("SET", set, default));
        var getBytes = await MeasureAsync(() => client.ExecuteAsync("GET", get, default));
        var evalBytes = await MeasureAsync(() => client.EvalAsync(script, get, default, default));

        // SET replies +OK (interned); GET and the script return a 100-byte array (about 128 bytes with its header).
        // Unoptimised (Debug) builds allocate EvalAsync's async state machine, which Release builds pool.
        var stateMachine = IsOptimized(typeof(RedisClient).Assembly) ? 0 : 512;
        Assert.True(setBytes < 48, $"SET allocated {setBytes:F1} B/op");
        Assert.True(getBytes < 128 + 48, $"GET allocated {getBytes:F1} B/op");
        Assert.True(evalBytes < 128 + 64 + stateMachine, $"EVALSHA allocated {evalBytes:F1} B/op");
    }

    private static bool IsOptimized(System.Reflection.Assembly assembly) =>
        !(System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>(assembly)?.IsJITOptimizerDisabled ?? false);

    private static async Task<double> MeasureAsync(Func<ValueTask<RespValue>> operation)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Operations; i++)
        {
            await operation();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Operations;
    }
}
