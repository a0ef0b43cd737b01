using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// A provider add-on's find-and-slide below EF Core (<c>AspNetSessions.EntityFrameworkCore.PostgreSQL</c>): one
/// statement on the provider's own connection that slides the row when <see cref="SessionExpiry.Touch"/> says a write
/// is due (and the digest matches) and returns the row either way. The store decodes it with
/// <see cref="SessionRowCodec"/> and decides validity and the digest in the app, as on the EF Core path; exceptions
/// are the provider's, mapped by <see cref="DatabaseFailures"/>.
/// </summary>
internal interface ISessionRowFinder
{
    /// <summary>The row of <paramref name="lookup"/> in <paramref name="table"/> after its touch, or <see langword="null"/> when there is none.</summary>
    Task<SessionRow?> FindAndSlideAsync(SessionTable table, SessionLookup lookup, CancellationToken cancellationToken);
}
