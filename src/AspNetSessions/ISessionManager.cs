namespace AspNetSessions;

/// <summary>
/// The session API of one session kind: what apps call to create, find, list, change and revoke sessions.
/// Resolve the default kind's manager as <c>ISessionManager</c>, any kind's as a keyed service named after its
/// authentication scheme (<c>[FromKeyedServices("ApiKey")] ISessionManager</c>).
/// </summary>
public interface ISessionManager
{
    /// <summary>The session kind this manager serves (its store namespace).</summary>
    string Kind { get; }

    /// <summary>The authentication scheme of this kind.</summary>
    string Scheme { get; }

    /// <summary>Creates a session and returns it together with its token. The token is not stored and cannot be read again.</summary>
    /// <param name="request">Who the session is for and what it carries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CreatedSession> CreateAsync(SessionCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates a token and touches its session (sliding expiry): the call the authentication handler makes once
    /// per request. Returns <see langword="null"/> for a malformed, unknown, revoked or expired token.
    /// </summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<Session?> AuthenticateAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Finds the valid session of a token without touching it; <see langword="null"/> if there is none.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Session?> FindAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Finds a valid session by id; <see langword="null"/> if there is none.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Session?> FindByIdAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every session matching a filter (valid ones unless the filter says otherwise), oldest first: meant for one
    /// user's sessions, which are few. Listing a whole kind reads it all; page through it with <see cref="ListPageAsync"/>.
    /// </summary>
    /// <param name="filter">What to match; <see langword="null"/> matches every valid session of the kind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<Session>> ListAsync(SessionFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the sessions matching a filter (valid ones unless the filter says otherwise), oldest first (created-at,
    /// then id), for listings too large for <see cref="ListAsync"/>: an admin's view of every session of the kind. Pass
    /// the returned <see cref="SessionPage{T}.Next"/> back, with the same filter, for the page after; each page costs
    /// the store a bounded amount of work whatever the total. A page may hold fewer than <paramref name="limit"/>
    /// sessions while <see cref="SessionPage{T}.Next"/> is not <see langword="null"/>.
    /// </summary>
    /// <param name="filter">What to match; <see langword="null"/> matches every valid session of the kind.</param>
    /// <param name="limit">The most sessions on the page: 1 to 1000 (<c>SessionQuery.MaxLimit</c>).</param>
    /// <param name="cursor">The previous page's <see cref="SessionPage{T}.Next"/>, or <see langword="null"/> for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SessionCursorException">The cursor was not issued by this kind's manager for this filter (forged, damaged, foreign).</exception>
    Task<SessionPage<Session>> ListPageAsync(SessionFilter? filter, int limit, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the sessions matching a filter.</summary>
    /// <param name="filter">What to match; <see langword="null"/> counts every valid session of the kind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<long> CountAsync(SessionFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Extends a valid session's expiry to now + idle timeout (capped by its absolute expiry).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Session?> RefreshAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Replaces a valid session's claims, data and/or metadata (fields left null are kept).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="update">What to replace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Session?> UpdateAsync(string sessionId, SessionUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Issues a new token for a valid session; the old token stops working at once.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CreatedSession?> RotateAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the user of a valid session has just proved who they are again (a password or second factor asked
    /// for a sensitive action): its <see cref="Session.AuthenticatedAt"/> becomes now, and its id, token and everything
    /// else stay. Returns the session as changed, or <see langword="null"/> if there is no valid session.
    /// </summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Session?> ReauthenticateAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Revokes (deletes) one session; <see langword="true"/> if it existed.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Not observed: a revocation is carried out even when the caller gives up (a client that disconnects must not leave the session alive).</param>
    Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Revokes every session of a user, optionally keeping one (e.g. the caller's); returns how many were revoked.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="exceptSessionId">A session to keep, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Not observed: a revocation is carried out even when the caller gives up (a client that disconnects must not leave the session alive).</param>
    Task<long> RevokeAllAsync(string userId, string? exceptSessionId = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every session matching a filter (valid or expired unless the filter says otherwise); returns how many.</summary>
    /// <param name="filter">What to match.</param>
    /// <param name="cancellationToken">Not observed: a revocation is carried out even when the caller gives up (a client that disconnects must not leave the session alive).</param>
    Task<long> DeleteAsync(SessionFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes the expired sessions the store still holds; returns how many.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<long> DeleteExpiredAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the session id out of a well-formed token of this kind without any I/O, or returns
    /// <see langword="false"/> for anything else. Never throws.
    /// </summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="sessionId">The session id, when the token is well formed.</param>
    bool TryReadSessionId(string? token, out string sessionId);
}
