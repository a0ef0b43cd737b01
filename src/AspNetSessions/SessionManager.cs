using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions;

/// <summary>
/// The session API of one kind, over an <see cref="ISessionStore"/>. It owns everything that is policy: the token
/// format, digests, and expiry (idle sliding capped by an absolute lifetime). All instants are read from the
/// <see cref="TimeProvider"/> and truncated to whole milliseconds, so every backend round-trips them exactly. What a
/// session carries that must not be readable at rest is encrypted on the way to the store and decrypted on the way back
/// (<see cref="SessionSecrets"/>): every session this class hands to a store, and every one it returns, passes there.
/// </summary>
internal sealed partial class SessionManager : ISessionManager
{
    private readonly ISessionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SessionEventDispatcher _events;
    private readonly SessionTokenCodec _codec;
    private readonly TokenHasher _hasher;
    private readonly TimeSpan? _idleTimeout;
    private readonly TimeSpan? _absoluteTimeout;
    private readonly TimeSpan _slidingGranularity;
    private readonly SessionMetrics? _metrics;
    private readonly string[] _kindScopes;
    private readonly int _maxSessionsPerUser;
    private readonly SessionSecrets _secrets;
    private readonly IDataProtector _cursors;
    private readonly ISessionChangeListener? _changes;
    private readonly ISessionLocationResolver? _locations;

    public SessionManager(string scheme, SessionAuthenticationOptions options, ISessionStore store, TimeProvider time, ILogger<SessionManager> logger, SessionMetrics? metrics = null, SessionEventDispatcher? events = null, IDataProtectionProvider? dataProtection = null, ISessionChangeListener? changes = null, ISessionLocationResolver? locations = null)
    {
        _locations = locations;
        _changes = changes; // this instance's live connections, told of what ends here before any feed could say it
        _metrics = metrics;
        Scheme = scheme;
        Kind = options.Kind ?? scheme;
        _store = store;
        _time = time;
        _logger = logger;
        _events = events ?? SessionEventDispatcher.For(options);
        _codec = new SessionTokenCodec(options.TokenPrefix);
        _hasher = new TokenHasher([.. options.HashingKeys.Select(Convert.FromBase64String)]);
        _idleTimeout = options.IdleTimeout;
        _absoluteTimeout = options.AbsoluteTimeout;
        _slidingGranularity = options.SlidingGranularity ?? TimeSpan.Zero;
        _kindScopes = options.Scopes ?? [];
        _maxSessionsPerUser = Math.Max(options.MaxSessionsPerUser, 0);
        // The application's provider in every app (AddSession registers it); an ephemeral one for a manager built by hand.
        dataProtection ??= new EphemeralDataProtectionProvider();
        _secrets = new SessionSecrets(dataProtection, Kind, options.SecretClaimTypes, options.SecretDataKeys);
        _cursors = dataProtection.CreateProtector("AspNetSessions.SessionCursor", Kind);
    }

    public string Kind { get; }

    public string Scheme { get; }

    public async Task<CreatedSession> CreateAsync(SessionCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.UserId, nameof(request));
        var name = ValidName(request.Name);
        var scopes = SessionScopes.ForNewSession(request.Scopes, _kindScopes);
        var lifetime = ValidLifetime(request.Lifetime);

        var now = Now();
        var (authenticatedAt, absoluteExpiresAt) = SignInInstants(request, now);
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        try
        {
            SessionTokenCodec.Generate(request.UserId, keyMaterial);
            if (lifetime is { } asked)
            {
                // Validated not to exceed the kind's AbsoluteTimeout; a request's own ExpiresAt may end it earlier still.
                absoluteExpiresAt = SessionExpiry.Cap(now + asked, absoluteExpiresAt);
            }

            var session = new Session
            {
                Id = SessionTokenCodec.GetSessionId(keyMaterial),
                Kind = Kind,
                UserId = request.UserId,
                CreatedAt = now,
                LastSeenAt = now,
                ExpiresAt = SessionExpiry.AfterUse(now, _idleTimeout, absoluteExpiresAt),
                AbsoluteExpiresAt = absoluteExpiresAt,
                Claims = request.Claims is { Count: > 0 } claims ? [.. claims] : [],
                Data = SessionMaps.Freeze(request.Data),
                Metadata = SessionMaps.Freeze(request.Metadata),
                AuthenticatedAt = authenticatedAt,
                AuthenticationItems = SessionMaps.Freeze(request.AuthenticationItems),
                Name = name,
                Scopes = scopes,
                DeviceChallenge = request.DeviceChallenge,
            };

            // Asked before the store has the new session, and before the cap evicts the user's oldest (maybe this device's).
            var isNewDevice = await IsNewDeviceAsync(session, cancellationToken).ConfigureAwait(false);
            var record = new SessionRecord(_secrets.Protect(session), _hasher.Digest(keyMaterial));
            var evicted = await _store.CreateAsync(record, _maxSessionsPerUser, now, cancellationToken).ConfigureAwait(false);

            var created = new CreatedSession(session, _codec.Format(keyMaterial));
            Log.SessionCreated(_logger, Kind, session.Id, session.UserId);
            _metrics?.Created(Kind);
            var context = new SessionCreatedContext(this, session)
            {
                IsNewDevice = isNewDevice,
                Device = SessionDevice.Family(session.Metadata),
                Location = await LocateAsync(session, cancellationToken).ConfigureAwait(false),
            };
            await _events.RaiseAsync(context, static (e, c) => e.SessionCreated(c)).ConfigureAwait(false);
            foreach (var id in evicted)
            {
                // An eviction is a revocation: logged, counted and raised like one.
                Log.SessionEvicted(_logger, Kind, id, session.UserId, _maxSessionsPerUser);
                _changes?.SessionChanged(Kind, id);
                _metrics?.Revoked(Kind, 1);
                await _events.RaiseAsync(new SessionRevokedContext(this, id, session.UserId, count: 1), static (e, c) => e.SessionRevoked(c)).ConfigureAwait(false);
            }

            return created;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }

    public async ValueTask<Session?> AuthenticateAsync(string token, CancellationToken cancellationToken = default) =>
        (await AuthenticateCoreAsync(token.AsMemory(), cancellationToken).ConfigureAwait(false)).Session;

    /// <summary>The handler's call: tells a malformed token (no I/O was done) from an unknown one.</summary>
    internal async ValueTask<SessionAuthenticationOutcome> AuthenticateCoreAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        if (!_codec.TryParse(token.Span, keyMaterial))
        {
            return SessionAuthenticationOutcome.Malformed;
        }

        var now = Now();
        var id = SessionTokenCodec.GetSessionId(keyMaterial);
        DateTimeOffset? slideTo = _idleTimeout is { } idle ? now + idle : null;
        SessionRecord? record = null;
        byte[] digest = [];
        try
        {
            for (var generation = 0; generation < _hasher.Generations && record is null; generation++)
            {
                digest = _hasher.Digest(keyMaterial, generation);
                record = await _store.FindAndSlideAsync(new SessionLookup(Kind, id, digest, now, slideTo, _slidingGranularity), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }

        // The current token, or the previous one in its grace period (which slid nothing, and expires at its grace end).
        var match = record?.Match(digest, now) ?? SessionDigestMatch.None;
        if (match != SessionDigestMatch.None && Reveal(record!.Session) is { } session)
        {
            var slid = match == SessionDigestMatch.Current && record.Session.LastSeenAt.UtcTicks > now.UtcTicks - TimeSpan.TicksPerMillisecond;
            return new SessionAuthenticationOutcome(session, Slid: slid, Digest: digest, TokenExpiresAt: record.TokenExpiresAt(match));
        }

        return SessionAuthenticationOutcome.NotFound;
    }

    public async Task<Session?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        if (!_codec.TryParse(token, keyMaterial))
        {
            return null;
        }

        try
        {
            var now = Now();
            var record = await _store.GetAsync(Kind, SessionTokenCodec.GetSessionId(keyMaterial), now, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            for (var generation = 0; generation < _hasher.Generations; generation++)
            {
                if (record.Match(_hasher.Digest(keyMaterial, generation), now) != SessionDigestMatch.None)
                {
                    return Reveal(record.Session);
                }
            }

            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }

    public async Task<Session?> FindByIdAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return null;
        }

        return Reveal(await _store.GetAsync(Kind, sessionId, Now(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every page of the filter, in order: for a user's few sessions (a kind-wide list pages through everything).</summary>
    public async Task<IReadOnlyList<Session>> ListAsync(SessionFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var sessions = new List<Session>();
        var query = ToQuery(filter, SessionStatus.Valid) with { Limit = SessionQuery.MaxLimit };
        do
        {
            var page = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            sessions.AddRange(Reveal(page.Items));
            query = query with { Cursor = page.Next };
        }
        while (query.Cursor is not null);

        return sessions;
    }

    /// <summary>
    /// One store page. The store's cursor goes out protected by Data Protection (purpose: this kind), so a client can
    /// neither read the position it holds nor forge one; one that does not unprotect is refused like a foreign one.
    /// </summary>
    public async Task<SessionPage<Session>> ListPageAsync(SessionFilter? filter, int limit, string? cursor = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SessionQuery.MaxLimit);
        var query = ToQuery(filter, SessionStatus.Valid) with { Limit = limit, Cursor = cursor is null ? null : UnprotectCursor(cursor) };
        var page = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return new SessionPage<Session>(Reveal(page.Items), page.Next is { } next ? Base64Url.EncodeToString(_cursors.Protect(Encoding.UTF8.GetBytes(next))) : null);
    }

    private string UnprotectCursor(string cursor)
    {
        try
        {
            return Encoding.UTF8.GetString(_cursors.Unprotect(Base64Url.DecodeFromChars(cursor)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new SessionCursorException($"The cursor was not issued for a listing of {Kind} sessions by this application (it is damaged, forged or foreign); start again without a cursor.", e);
        }
    }

    /// <summary>The sessions of stored records as apps see them; one that does not decrypt is left out (and logged), as a store leaves out a damaged record.</summary>
    private List<Session> Reveal(IReadOnlyList<SessionRecord> records)
    {
        var sessions = new List<Session>(records.Count);
        foreach (var record in records)
        {
            if (Reveal(record.Session) is { } session)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public async Task<long> CountAsync(SessionFilter? filter = null, CancellationToken cancellationToken = default) =>
        await _store.CountAsync(ToQuery(filter, SessionStatus.Valid), cancellationToken).ConfigureAwait(false);

    public async Task<Session?> RefreshAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return null;
        }

        var now = Now();
        var patch = new SessionPatch { LastSeenAt = now, ExpiresAt = SessionExpiry.AfterUse(now, _idleTimeout, absoluteExpiresAt: null) };
        return Reveal(await _store.UpdateAsync(Kind, sessionId, patch, now, cancellationToken).ConfigureAwait(false));
    }

    public async Task<Session?> UpdateAsync(string sessionId, SessionUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return null;
        }

        SessionAuthenticationItems.EnsureWithinLimit(update.AuthenticationItems, nameof(update));
        var patch = new SessionPatch
        {
            Claims = update.Claims is null ? null : [.. update.Claims],
            Data = update.Data is null ? null : SessionMaps.Freeze(update.Data),
            Metadata = update.Metadata is null ? null : SessionMaps.Freeze(update.Metadata),
            AuthenticationItems = update.AuthenticationItems is null ? null : SessionMaps.Freeze(update.AuthenticationItems),
        };
        return Reveal(await _store.UpdateAsync(Kind, sessionId, _secrets.Protect(sessionId, patch), Now(), cancellationToken).ConfigureAwait(false));
    }

    public async Task<CreatedSession?> RotateAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var rotated = await RotateWithAsync(sessionId, static (_, digest) => new SessionPatch { Digest = digest }, cancellationToken).ConfigureAwait(false);
        if (rotated is not null)
        {
            Log.SessionRotated(_logger, Kind, sessionId);
        }

        return rotated;
    }

    /// <summary>
    /// Gives a session a new secret with whatever else <paramref name="patch"/> changes in the same store update (given
    /// the current instant and the new digest); <see langword="null"/> when the store applied nothing.
    /// </summary>
    private async Task<CreatedSession?> RotateWithAsync(string sessionId, Func<DateTimeOffset, byte[], SessionPatch> patch, CancellationToken cancellationToken)
    {
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return null;
        }

        // The id (and with it the user group) stays; only the secret changes.
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        try
        {
            System.Buffers.Text.Base64Url.DecodeFromChars(sessionId, keyMaterial);
            RandomNumberGenerator.Fill(keyMaterial.AsSpan(SessionTokenCodec.IdBytes));
            var now = Now();
            var record = await _store.UpdateAsync(Kind, sessionId, patch(now, _hasher.Digest(keyMaterial)), now, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            _changes?.SessionChanged(Kind, sessionId); // rotated away: connections opened with the old token close
            // The new token works (the digest is stored) even when the record does not decrypt; it then authenticates nothing.
            return Reveal(record.Session) is { } session ? new CreatedSession(session, _codec.Format(keyMaterial)) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }

    public async Task<Session?> ReauthenticateAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return null;
        }

        // Only the authentication instant changes: the id, the token and every other field stay.
        var now = Now();
        var session = Reveal(await _store.UpdateAsync(Kind, sessionId, new SessionPatch { AuthenticatedAt = now }, now, cancellationToken).ConfigureAwait(false));
        if (session is not null)
        {
            Log.SessionReauthenticated(_logger, Kind, sessionId);
        }

        return session;
    }

    /// <summary>
    /// What a revoking store call is given instead of the caller's token: a revocation, once asked for, is carried out even
    /// when its caller gives up (a client that disconnects mid-sign-out must not leave the session alive). The store's own
    /// timeouts still bound it.
    /// </summary>
    private static CancellationToken RevocationsRunToTheEnd => CancellationToken.None;

    public async Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!SessionTokenCodec.IsSessionId(sessionId))
        {
            return false;
        }

        var deleted = await _store.DeleteAsync(Kind, sessionId, RevocationsRunToTheEnd).ConfigureAwait(false);
        if (deleted)
        {
            Log.SessionRevoked(_logger, Kind, sessionId);
            _changes?.SessionChanged(Kind, sessionId);
            _metrics?.Revoked(Kind, 1);
            await _events.RaiseAsync(new SessionRevokedContext(this, sessionId, userId: null, count: 1), static (e, c) => e.SessionRevoked(c)).ConfigureAwait(false);
        }

        return deleted;
    }

    public async Task<long> RevokeAllAsync(string userId, string? exceptSessionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var filter = new SessionFilter { UserId = userId, ExceptSessionId = exceptSessionId };
        var count = await _store.DeleteManyAsync(ToQuery(filter, SessionStatus.All), RevocationsRunToTheEnd).ConfigureAwait(false);
        Log.UserSessionsRevoked(_logger, Kind, userId, count);
        if (count > 0)
        {
            _changes?.UserChanged(Kind, userId);
            _metrics?.Revoked(Kind, count);
            await _events.RaiseAsync(new SessionRevokedContext(this, sessionId: null, userId, count), static (e, c) => e.SessionRevoked(c)).ConfigureAwait(false);
        }

        return count;
    }

    public async Task<long> DeleteAsync(SessionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var count = await _store.DeleteManyAsync(ToQuery(filter, SessionStatus.All), RevocationsRunToTheEnd).ConfigureAwait(false);
        if (count > 0 && filter.Status != SessionStatus.Expired)
        {
            if (filter.UserId is { } userId)
            {
                _changes?.UserChanged(Kind, userId);
            }
            else
            {
                _changes?.KindChanged(Kind);
            }
        }

        return count;
    }

    public Task<long> DeleteExpiredAsync(CancellationToken cancellationToken = default) =>
        DeleteAsync(new SessionFilter { Status = SessionStatus.Expired }, cancellationToken);

    public bool TryReadSessionId(string? token, out string sessionId)
    {
        Span<byte> keyMaterial = stackalloc byte[SessionTokenCodec.KeyMaterialBytes];
        if (_codec.TryParse(token, keyMaterial))
        {
            sessionId = SessionTokenCodec.GetSessionId(keyMaterial);
            CryptographicOperations.ZeroMemory(keyMaterial);
            return true;
        }

        sessionId = string.Empty;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="session"/>'s device (<see cref="SessionDevice.Fingerprint"/>) is one none of the user's
    /// stored sessions of this kind came from, valid or not yet pruned; <see langword="false"/> when it names no device.
    /// </summary>
    private async ValueTask<bool> IsNewDeviceAsync(Session session, CancellationToken cancellationToken)
    {
        if (SessionDevice.Fingerprint(session.UserId, session.Metadata) is not { } fingerprint)
        {
            return false;
        }

        var query = ToQuery(new SessionFilter { UserId = session.UserId }, SessionStatus.All) with { Limit = SessionQuery.MaxLimit };
        do
        {
            var page = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                if (SessionDevice.Fingerprint(session.UserId, record.Session.Metadata) == fingerprint)
                {
                    return false;
                }
            }

            query = query with { Cursor = page.Next };
        }
        while (query.Cursor is not null);

        return true;
    }

    /// <summary>The app's <see cref="ISessionLocationResolver"/> on the session's recorded IP address; a failure is logged, not thrown.</summary>
    private async ValueTask<string?> LocateAsync(Session session, CancellationToken cancellationToken)
    {
        if (_locations is null || !session.Metadata.TryGetValue(SessionMetadataKeys.IpAddress, out var ip) || !IPAddress.TryParse(ip, out var address))
        {
            return null;
        }

        try
        {
            return await _locations.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LocationFailed(_logger, Kind, session.Id, e);
            return null;
        }
    }

    /// <summary>The session of a stored record as apps see it (<see cref="Reveal(Session)"/>); <see langword="null"/> for none.</summary>
    private Session? Reveal(SessionRecord? record) => record is null ? null : Reveal(record.Session);

    /// <summary>
    /// A stored session with its secrets decrypted, or <see langword="null"/> (logged with its id) when they do not
    /// decrypt: another key ring, a key that is gone, tampered bytes. Such a record is refused like a damaged one.
    /// </summary>
    private Session? Reveal(Session stored)
    {
        if (_secrets.TryUnprotect(stored, out var session))
        {
            return session;
        }

        Log.SessionUndecryptable(_logger, Kind, stored.Id);
        return null;
    }

    /// <summary>The name of a new session, or an <see cref="ArgumentException"/> saying what is wrong with it.</summary>
    private static string? ValidName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > SessionCreateRequest.NameMaxLength || name.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"A session name must be 1-{SessionCreateRequest.NameMaxLength} characters, not blank, without control characters.", "request");
        }

        return name;
    }

    /// <summary>A requested lifetime: positive and never beyond the kind's absolute timeout.</summary>
    private TimeSpan? ValidLifetime(TimeSpan? lifetime)
    {
        if (lifetime is not { } value)
        {
            return null;
        }

        // Whole milliseconds, like every instant, so the absolute expiry round-trips on every backend.
        value = TimeSpan.FromMilliseconds(Math.Floor(value.TotalMilliseconds));
        if (value <= TimeSpan.Zero || (_absoluteTimeout is { } absolute && value > absolute))
        {
            throw new ArgumentException(_absoluteTimeout is { } max
                ? $"A session lifetime must be positive and at most the kind's AbsoluteTimeout ({max}); got {lifetime}."
                : $"A session lifetime must be positive; got {lifetime}.", "request");
        }

        return value;
    }

    /// <summary>
    /// The sign-in's authentication instant (the request's, never in the future; else now) and the absolute expiry: the
    /// kind's <c>AbsoluteTimeout</c> from now, capped by the request's own <see cref="SessionCreateRequest.ExpiresAt"/>.
    /// </summary>
    private (DateTimeOffset AuthenticatedAt, DateTimeOffset? AbsoluteExpiresAt) SignInInstants(SessionCreateRequest request, DateTimeOffset now)
    {
        SessionAuthenticationItems.EnsureWithinLimit(request.AuthenticationItems, nameof(request));
        var authenticatedAt = now;
        if (request.AuthenticatedAt is { } claimed)
        {
            if (claimed > now)
            {
                throw new ArgumentOutOfRangeException(nameof(request), claimed, "SessionCreateRequest.AuthenticatedAt must not be in the future.");
            }

            authenticatedAt = Truncate(claimed);
        }

        var absoluteExpiresAt = _absoluteTimeout is { } absolute ? now + absolute : (DateTimeOffset?)null;
        if (request.ExpiresAt is { } requested)
        {
            if (requested <= now)
            {
                throw new ArgumentOutOfRangeException(nameof(request), requested, "SessionCreateRequest.ExpiresAt must be in the future.");
            }

            absoluteExpiresAt = SessionExpiry.Cap(Truncate(requested), absoluteExpiresAt);
        }

        return (authenticatedAt, absoluteExpiresAt);
    }

    private static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>Now, truncated to whole milliseconds (the precision every backend keeps).</summary>
    private DateTimeOffset Now()
    {
        return Truncate(_time.GetUtcNow());
    }

    private SessionQuery ToQuery(SessionFilter? filter, SessionStatus defaultStatus) => new()
    {
        Kind = Kind,
        Now = Now(),
        UserId = filter?.UserId,
        Status = filter?.Status ?? defaultStatus,
        Metadata = filter?.Metadata,
        ExceptSessionId = filter?.ExceptSessionId,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, EventName = "SessionCreated", Level = LogLevel.Information,
            Message = "Created {Kind} session {SessionId} for user {UserId}.")]
        public static partial void SessionCreated(ILogger logger, string kind, string sessionId, string userId);

        [LoggerMessage(EventId = 1002, EventName = "SessionRevoked", Level = LogLevel.Information,
            Message = "Revoked {Kind} session {SessionId}.")]
        public static partial void SessionRevoked(ILogger logger, string kind, string sessionId);

        [LoggerMessage(EventId = 1003, EventName = "UserSessionsRevoked", Level = LogLevel.Information,
            Message = "Revoked {Count} {Kind} sessions of user {UserId}.")]
        public static partial void UserSessionsRevoked(ILogger logger, string kind, string userId, long count);

        [LoggerMessage(EventId = 1004, EventName = "SessionRotated", Level = LogLevel.Information,
            Message = "Rotated the token of {Kind} session {SessionId}.")]
        public static partial void SessionRotated(ILogger logger, string kind, string sessionId);

        [LoggerMessage(EventId = 1005, EventName = "SessionReauthenticated", Level = LogLevel.Information,
            Message = "The user of {Kind} session {SessionId} authenticated again.")]
        public static partial void SessionReauthenticated(ILogger logger, string kind, string sessionId);

        [LoggerMessage(EventId = 1006, EventName = "SessionEvicted", Level = LogLevel.Information,
            Message = "Revoked {Kind} session {SessionId} of user {UserId}: a new session exceeded MaxSessionsPerUser ({MaxSessionsPerUser}).")]
        public static partial void SessionEvicted(ILogger logger, string kind, string sessionId, string userId, int maxSessionsPerUser);

        [LoggerMessage(EventId = 1007, EventName = "SessionUndecryptable", Level = LogLevel.Warning,
            Message = "The secrets of {Kind} session {SessionId} do not decrypt (another Data Protection key ring, a removed key or damaged data); the session is refused.")]
        public static partial void SessionUndecryptable(ILogger logger, string kind, string sessionId);

        [LoggerMessage(EventId = 1008, EventName = "SessionLocationFailed", Level = LogLevel.Warning,
            Message = "The app's ISessionLocationResolver failed for {Kind} session {SessionId}; its created event has no location.")]
        public static partial void LocationFailed(ILogger logger, string kind, string sessionId, Exception exception);
    }
}
