namespace AspNetSessions.Stores;

/// <summary>
/// A session backend: storage only. It keeps records per kind with a time to live, finds them by id or by
/// a query, and never returns a session past its expiry. It knows nothing about tokens or expiry policy;
/// those live in <see cref="ISessionManager"/>. Every backend passes the same contract test suite.
/// </summary>
/// <remarks>
/// Instants are always passed in by the caller (the manager reads its <see cref="TimeProvider"/>), so a store
/// never reads a clock to decide validity; it may use one only to reclaim space. Session ids start with the
/// user group of their user id (<see cref="SessionIds.UserGroupOfUser(string)"/>), which lets a store place a session
/// next to its user's index (e.g. in one Redis Cluster hash slot) knowing only the id.
/// Failures to reach the backend are reported as <see cref="SessionStoreUnavailableException"/>.
/// </remarks>
public interface ISessionStore
{
    /// <summary>A short backend name for logs, metrics and health reports, e.g. <c>Memory</c> or <c>Redis</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Inserts a new session with a time to live up to its expiry, under an optional per-user cap
    /// (<c>MaxSessionsPerUser</c>), in one atomic step: writes <paramref name="record"/> and deletes the user's oldest
    /// valid sessions of the kind that <see cref="SessionEviction.Choose"/> picks, so that at most
    /// <paramref name="maxSessionsPerUser"/> remain, the new one included (it is never evicted). Atomic means: concurrent
    /// calls for the same user never leave more than the cap valid (the suites' <c>SessionRaceContract</c> checks it).
    /// Returns the ids of the evicted sessions, which the store announces like deletions (near-cache invalidation).
    /// Session ids carry at least 104 random bits, so an id that exists already is a bug: the store throws
    /// <see cref="InvalidOperationException"/> and leaves the stored session as it was.
    /// </summary>
    /// <param name="record">The new session and its digest.</param>
    /// <param name="maxSessionsPerUser">The cap, or 0 for none (nothing is evicted).</param>
    /// <param name="now">The current instant: the time to live is computed from it, and it decides which sessions count as valid.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Reads a session by id, or <see langword="null"/> if it does not exist or is not valid at <paramref name="now"/>.</summary>
    /// <param name="kind">The session kind.</param>
    /// <param name="id">The session id.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The hot path, one call per authenticated request: finds a valid session whose digest matches and touches it
    /// as <see cref="SessionLookup"/> describes, atomically. Returns the session as it is after the touch, or
    /// <see langword="null"/> (missing, expired, or digest mismatch: the caller cannot tell which).
    /// </summary>
    /// <param name="lookup">What to find and how to touch it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken);

    /// <summary>Applies a partial change to a valid session; returns it as changed, or <see langword="null"/> if there is no valid session.</summary>
    /// <param name="kind">The session kind.</param>
    /// <param name="id">The session id.</param>
    /// <param name="patch">The fields to change.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a session (valid or expired); <see langword="true"/> if one was deleted.</summary>
    /// <param name="kind">The session kind.</param>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the sessions matching the query, in listing order (created-at, then id), starting after the query's
    /// <see cref="SessionQuery.Cursor"/>: at most <see cref="SessionQuery.Limit"/> sessions and the cursor of the next
    /// page (issued and checked with <see cref="SessionCursor"/>; a cursor it did not issue for this query is refused
    /// with <see cref="SessionCursorException"/>). The cost of a page is bounded whatever the total: the store walks
    /// an index in listing order (kind-wide) or the user's own index (user-scoped), never every session. A session
    /// that exists for the whole walk is on exactly one page; one created or deleted meanwhile is on at most one.
    /// </summary>
    /// <param name="query">What to match, how many, and from where.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>How many sessions match the query.</summary>
    /// <param name="query">What to match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes every session matching the query; returns how many were deleted.</summary>
    /// <param name="query">What to match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Checks that the backend answers; throws <see cref="SessionStoreUnavailableException"/> if it does not.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask PingAsync(CancellationToken cancellationToken);
}
