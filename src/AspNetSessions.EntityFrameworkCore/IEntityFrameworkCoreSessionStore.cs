using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The EF Core session store, whatever its context type, as a provider add-on sees it (for example
/// <c>AspNetSessions.EntityFrameworkCore.PostgreSQL</c>, which adds change notifications to the session tables).
/// Resolved from the service provider after <c>AddEntityFrameworkCoreStore</c>.
/// </summary>
public interface IEntityFrameworkCoreSessionStore : ISessionStore
{
    /// <summary>Where the model's session tables are in the database, after naming conventions.</summary>
    IReadOnlyList<SessionTableLocation> TableLocations { get; }

    /// <summary>The context's EF Core provider (e.g. <c>Npgsql.EntityFrameworkCore.PostgreSQL</c>), from a context of the store's own.</summary>
    string? GetProviderName();

    /// <summary>The context's connection string, from a context of the store's own.</summary>
    string? GetConnectionString();
}
