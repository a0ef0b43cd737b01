using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>The EF Core store, whatever its context type: what a provider add-on needs to know about it.</summary>
internal interface IEntityFrameworkCoreSessionStore : ISessionStore
{
    /// <summary>The model's session tables.</summary>
    SessionTableMap Tables { get; }

    /// <summary>The context's provider (e.g. <c>Npgsql.EntityFrameworkCore.PostgreSQL</c>) and connection string.</summary>
    (string? Provider, string? ConnectionString) DescribeDatabase();
}
