using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>The find-and-slide of a provider add-on (<see cref="ISessionRowFinder"/>): one statement, below EF Core.</summary>
internal sealed partial class EntityFrameworkCoreSessionStore<TContext>
{
    private async ValueTask<SessionRecord?> FindAndSlideWithFinderAsync(ISessionRowFinder finder, SessionLookup lookup, CancellationToken cancellationToken)
    {
        try
        {
            var row = await finder.FindAndSlideAsync(Tables.For(lookup.Kind), lookup, cancellationToken).ConfigureAwait(false);
            // The finder slid the row only if it was valid, due and its digest matched; the decision is still made
            // here, from the row as it came back, in constant time (a damaged row is refused and logged by Decode).
            return row is not null && Decode(row) is { } record && record.Session.IsValidAt(lookup.Now) && SessionRecord.DigestsMatch(record.Digest, lookup.Digest)
                ? record
                : null;
        }
        catch (Exception e) when (e is not SessionStoreUnavailableException && DatabaseFailures.IsOutage(e, cancellationToken))
        {
            throw Unavailable(nameof(FindAndSlideAsync), e);
        }
    }
}
