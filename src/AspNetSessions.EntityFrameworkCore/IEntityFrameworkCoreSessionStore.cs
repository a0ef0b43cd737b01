namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// What a provider add-on needs of the EF Core session store, whatever its context type: where its tables are and how
/// to reach the database (for example <c>AspNetSessions.EntityFrameworkCore.PostgreSQL</c>, which adds change
/// notifications to the session tables). Not the store itself. Resolved from the service provider after <c>AddEntityFrameworkCoreStore</c>.
/// </summary>
public interface IEntityFrameworkCoreSessionStore
{
    /// <summary>Where the model's session tables are in the database, after naming conventions.</summary>
    IReadOnlyList<SessionTableLocation> TableLocations { get; }

    /// <summary>The context's EF Core provider (e.g. <c>Npgsql.EntityFrameworkCore.PostgreSQL</c>), from a context of the store's own.</summary>
    string? GetProviderName();

    /// <summary>The context's connection string, from a context of the store's own.</summary>
    string? GetConnectionString();
}
