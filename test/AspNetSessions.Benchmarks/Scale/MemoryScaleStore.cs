using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>The memory store; its bytes are the process's live heap after a full collection.</summary>
internal sealed class MemoryScaleStore : ScaleStore
{
    private readonly MemorySessionStore _store = new(new Fixtures.FixedTime(), NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));

    public override ISessionStore Store => _store;

    // Lookups complete synchronously: more callers than cores only queue.
    public override int Callers => Environment.ProcessorCount;

    public override Task<long> BytesAsync() => Task.FromResult(GC.GetTotalMemory(forceFullCollection: true));

    public override Task AddAsync(IReadOnlyList<SessionRecord> records) => CreateAllAsync(records);

    public override ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }
}
