using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The EF Core store's options, bound from <c>SessionAuth:EntityFrameworkCore</c>: the background pruner of expired rows,
/// and (in code) where the per-request lookup runs. Validated at startup only when this store is the one in use.
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

    /// <summary>
    /// Runs the per-request lookup below EF Core: given a context of the store's own (once per store, at its creation),
    /// a data source on the same database, or <see langword="null"/> to keep the lookup on EF Core. The store then sends
    /// one statement per lookup on it, built from the model, which also slides the session when a slide is due; every
    /// other call stays EF Core's. PostgreSQL only (on another provider it is not called); the caller owns the data
    /// source (the store never disposes it). <c>AddPostgreSqlLookups()</c> of <c>AspNetSessions.EntityFrameworkCore.PostgreSQL</c>
    /// sets it to a data source tuned for the lookup; <see langword="null"/> by default.
    /// </summary>
    public Func<DbContext, DbDataSource?>? LookupDataSource { get; set; }
}
