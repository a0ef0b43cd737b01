namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The EF Core store's options, bound from <c>SessionAuth:EntityFrameworkCore</c>: the background pruner of expired rows.
/// Validated at startup only when this store is the one in use.
/// </summary>
public sealed class EntityFrameworkCoreSessionStoreOptions
{
    /// <summary>The store's name: the value of <c>SessionAuth:Store</c> that selects it.</summary>
    public const string StoreName = "EntityFrameworkCore";

    /// <summary>Whether this app instance runs the pruner; several instances may run it at once. <see langword="true"/> by default.</summary>
    public bool PruneExpired { get; set; } = true;

    /// <summary>How often the pruner runs (the first run comes after a random part of it, so instances spread out); 5 minutes by default.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many rows per DELETE statement, so no statement holds locks for long; 1000 by default.</summary>
    public int PruneBatchSize { get; set; } = 1000;

    /// <summary>At most this many batches per table per run (the rest waits for the next run); 100 by default.</summary>
    public int PruneMaxBatchesPerRun { get; set; } = 100;
}
