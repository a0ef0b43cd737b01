using AspNetSessions.Stores;

namespace AspNetSessions.Benchmarks.Scale;

/// <summary>
/// One store under the scale benchmark: the store SPI the measured operations go through, a bulk load that bypasses
/// whatever it can (pipelined creates, <c>COPY</c>), and what the store occupies.
/// </summary>
internal abstract class ScaleStore : IAsyncDisposable
{
    /// <summary>The store the measured operations call.</summary>
    public abstract ISessionStore Store { get; }

    /// <summary>How many callers the lookup throughput is measured with.</summary>
    public virtual int Callers => 32;

    /// <summary>What the store occupies now, in bytes (its heap, <c>used_memory</c>, or its table with indexes).</summary>
    public abstract Task<long> BytesAsync();

    /// <summary>Stores <paramref name="records"/> as fast as the store allows.</summary>
    public abstract Task AddAsync(IReadOnlyList<SessionRecord> records);

    /// <summary>Store-specific notes on how a session is kept (e.g. Redis encodings), or null.</summary>
    public virtual Task<string?> DescribeAsync(SessionRecord sample) => Task.FromResult<string?>(null);

    /// <summary>Starts counting what the store's server spends on the operations that follow (Redis: <c>CONFIG RESETSTAT</c>).</summary>
    public virtual Task ResetServerStatsAsync() => Task.CompletedTask;

    /// <summary>What the store's server spent per operation since <see cref="ResetServerStatsAsync"/>, or null when it cannot say.</summary>
    public virtual Task<string?> ServerCostAsync() => Task.FromResult<string?>(null);

    public abstract ValueTask DisposeAsync();

    /// <summary>Creates through the store SPI, 2 000 at a time: pipelined for a remote store.</summary>
    protected async Task CreateAllAsync(IReadOnlyList<SessionRecord> records)
    {
        foreach (var batch in records.Chunk(2_000))
        {
            await Task.WhenAll(batch.Select(r => Store.CreateAsync(r, 0, Fixtures.Now, default).AsTask()));
        }
    }
}
