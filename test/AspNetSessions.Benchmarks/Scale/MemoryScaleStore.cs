using System.Diagnostics;
using System.Globalization;
using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>The memory store; its bytes are the process's live heap after a full collection.</summary>
internal sealed class MemoryScaleStore : ScaleStore
{
    // The default sweep interval, as an app has it: the fixed clock never reaches the sessions' expiry, so a sweep that
    // fires finds nothing due.
    private readonly MemorySessionStore _store = new(new Fixtures.FixedTime(), NullLogger<MemorySessionStore>.Instance);

    public override ISessionStore Store => _store;

    // Lookups complete synchronously: more callers than cores only queue.
    public override int Callers => Environment.ProcessorCount;

    public override Task<long> BytesAsync() => Task.FromResult(GC.GetTotalMemory(forceFullCollection: true));

    public override Task AddAsync(IReadOnlyList<SessionRecord> records) => CreateAllAsync(records);

    /// <summary>What one sweep (the store's once-a-minute expiry pass) costs at this size, when no session has expired.</summary>
    public override Task<string?> DescribeAsync(SessionRecord sample)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var removed = _store.Sweep();
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return Task.FromResult<string?>(string.Create(CultureInfo.InvariantCulture,
            $"a sweep over {_store.Count:N0} sessions ({removed} expired) took {clock.Elapsed.TotalMilliseconds:F0} ms, {cpu.TotalMilliseconds:F0} ms of CPU"));
    }

    public override ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }
}
