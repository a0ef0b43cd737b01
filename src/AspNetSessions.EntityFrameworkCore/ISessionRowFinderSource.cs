using Microsoft.EntityFrameworkCore.Metadata;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Registered by a provider add-on; asked once by each EF Core store for an <see cref="ISessionRowFinder"/> for its
/// context's provider, connection string and model. <see langword="null"/>: the store stays on EF Core for every call.
/// </summary>
internal interface ISessionRowFinderSource
{
    ISessionRowFinder? For(string? providerName, string? connectionString, IModel model, SessionTableMap tables);
}
