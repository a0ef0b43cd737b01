using System.Runtime.CompilerServices;

namespace AspNetSessions;

/// <summary>
/// A server-side session as apps see it: who it belongs to, when it lives, and what it carries.
/// It never holds the token or its digest, so it is safe to serialize into API responses.
/// </summary>
/// <remarks>
/// Instants are kept as UTC ticks and come back with offset zero: an instant set with another offset reads back as
/// the same instant in UTC (equal to it, as <see cref="DateTimeOffset"/> compares instants). Equality is the record's
/// member-wise equality over the public properties, as the compiler would generate it.
/// </remarks>
public sealed record Session
{
    // Layout (bytes per stored session, bench/results/perf-2026-12-02): five 8-byte tick counts instead of four
    // 16-byte DateTimeOffsets and a 24-byte nullable one, and one reference for the claims and every rarely set
    // member (SessionExtras.Pack decides its shape).
    private const long NoInstant = long.MinValue;

    private long _createdAt;
    private long _lastSeenAt;
    private long _expiresAt;
    private long _authenticatedAt;
    private long _absoluteExpiresAt = NoInstant;
    private object _payload = SessionExtras.None;

    /// <summary>The session id: 22 URL-safe characters, unique within the kind, not a secret.</summary>
    public required string Id { get; init; }

    /// <summary>The session kind (namespace) this session belongs to, e.g. <c>Session</c> or <c>ApiKey</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The id of the user who owns the session.</summary>
    public required string UserId { get; init; }

    /// <summary>When the session was created.</summary>
    public required DateTimeOffset CreatedAt { get => Instant(_createdAt); init => _createdAt = value.UtcTicks; }

    /// <summary>When the session was last used to authenticate (accurate to the kind's sliding granularity).</summary>
    public required DateTimeOffset LastSeenAt { get => Instant(_lastSeenAt); init => _lastSeenAt = value.UtcTicks; }

    /// <summary>
    /// When the session expires unless it is used again: the idle expiry, capped by <see cref="AbsoluteExpiresAt"/>.
    /// <see cref="DateTimeOffset.MaxValue"/> when the kind has neither an idle nor an absolute timeout.
    /// </summary>
    public required DateTimeOffset ExpiresAt { get => Instant(_expiresAt); init => _expiresAt = value.UtcTicks; }

    /// <summary>The hard end of the session's life, fixed at creation; <see langword="null"/> when the kind has no absolute timeout.</summary>
    public DateTimeOffset? AbsoluteExpiresAt
    {
        get => _absoluteExpiresAt == NoInstant ? null : Instant(_absoluteExpiresAt);
        init => _absoluteExpiresAt = value is { } instant ? instant.UtcTicks : NoInstant;
    }

    /// <summary>Claims added to the principal of every request authenticated by this session.</summary>
    public IReadOnlyList<SessionClaim> Claims
    {
        get => _payload is SessionExtras extras ? extras.Claims : Unsafe.As<IReadOnlyList<SessionClaim>>(_payload);
        init
        {
            if (!ReferenceEquals(value, Claims))
            {
                _payload = _payload is SessionExtras extras
                    ? SessionExtras.Pack(value, extras.Data, extras.Metadata, extras.AuthenticationItems, extras.Name, extras.Scopes)
                    : value;
            }
        }
    }

    /// <summary>Application data kept with the session; not added to the principal.</summary>
    public IReadOnlyDictionary<string, string> Data
    {
        get => _payload is SessionExtras extras ? extras.Data : SessionMaps.Empty;
        init
        {
            if (!ReferenceEquals(value, Data))
            {
                _payload = SessionExtras.Pack(Claims, value, Metadata, AuthenticationItems, Name, Scopes);
            }
        }
    }

    /// <summary>Descriptive fields (device, user agent, IP address, ...) that sessions can be filtered on.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => _payload is SessionExtras extras ? extras.Metadata : SessionMaps.Empty;
        init
        {
            if (!ReferenceEquals(value, Metadata))
            {
                _payload = SessionExtras.Pack(Claims, Data, value, AuthenticationItems, Name, Scopes);
            }
        }
    }

    // Sign-in state (issue #14, step-up): when the user last proved who they are, and what the sign-in's
    // AuthenticationProperties asked to keep (SessionAuthenticationItems decides which items those are).

    /// <summary>
    /// When the user last proved who they are: the sign-in (or the identity provider's <c>auth_time</c>), or the latest
    /// <see cref="ISessionManager.ReauthenticateAsync"/>. Policies built with <c>RequireRecentAuthentication</c> compare it
    /// with their maximum age (RFC 9470). A store that does not keep it returns <see cref="DateTimeOffset.MinValue"/>,
    /// which every freshness check treats as stale.
    /// </summary>
    public DateTimeOffset AuthenticatedAt { get => Instant(_authenticatedAt); init => _authenticatedAt = value.UtcTicks; }

    /// <summary>
    /// The sign-in's <c>AuthenticationProperties.Items</c> kept with the session on the server (never in the cookie):
    /// saved tokens (<c>.Token.*</c>), <c>.persistent</c> and the app's own items; see <see cref="SessionAuthenticationItems"/>.
    /// They come back in <c>AuthenticateResult.Properties</c>, so <c>HttpContext.GetTokenAsync("access_token")</c> works.
    /// </summary>
    public IReadOnlyDictionary<string, string> AuthenticationItems
    {
        get => _payload is SessionExtras extras ? extras.AuthenticationItems : SessionMaps.Empty;
        init
        {
            if (!ReferenceEquals(value, AuthenticationItems))
            {
                _payload = SessionExtras.Pack(Claims, Data, Metadata, value, Name, Scopes);
            }
        }
    }

    // --- API keys (issue #14): name and scopes ---------------------------------------------------------------

    /// <summary>A name the user gave the session when creating it (e.g. <c>ci</c> for an API key); <see langword="null"/> for none.</summary>
    public string? Name
    {
        get => _payload is SessionExtras extras ? extras.Name : null;
        init
        {
            if (!ReferenceEquals(value, Name))
            {
                _payload = SessionExtras.Pack(Claims, Data, Metadata, AuthenticationItems, value, Scopes);
            }
        }
    }

    /// <summary>
    /// The scopes the session is limited to, or <see langword="null"/> when it is unrestricted. An empty list grants
    /// nothing: the rule is <see cref="SessionScopes.Allows(Session, string)"/>.
    /// </summary>
    public IReadOnlyList<string>? Scopes
    {
        get => _payload is SessionExtras extras ? extras.Scopes : null;
        init
        {
            if (!ReferenceEquals(value, Scopes))
            {
                _payload = SessionExtras.Pack(Claims, Data, Metadata, AuthenticationItems, Name, value);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Whether the session is still valid at <paramref name="now"/>.</summary>
    /// <param name="now">The instant to check against.</param>
    public bool IsValidAt(DateTimeOffset now) => _expiresAt > now.UtcTicks;

    /// <summary>Whether <paramref name="other"/> has the same value in every public property.</summary>
    /// <param name="other">The session to compare with.</param>
    /// <remarks>
    /// Written out because the fields are not the properties: it compares what the compiler-generated equality of the
    /// properties compared (instants by instant, strings ordinally, everything else with its default equality).
    /// </remarks>
    public bool Equals(Session? other) =>
        ReferenceEquals(this, other) || (other is not null
            && string.Equals(Id, other.Id, StringComparison.Ordinal)
            && string.Equals(Kind, other.Kind, StringComparison.Ordinal)
            && string.Equals(UserId, other.UserId, StringComparison.Ordinal)
            && _createdAt == other._createdAt
            && _lastSeenAt == other._lastSeenAt
            && _expiresAt == other._expiresAt
            && _absoluteExpiresAt == other._absoluteExpiresAt
            && _authenticatedAt == other._authenticatedAt
            && (ReferenceEquals(_payload, other._payload) || (
                EqualityComparer<IReadOnlyList<SessionClaim>>.Default.Equals(Claims, other.Claims)
                && EqualityComparer<IReadOnlyDictionary<string, string>>.Default.Equals(Data, other.Data)
                && EqualityComparer<IReadOnlyDictionary<string, string>>.Default.Equals(Metadata, other.Metadata)
                && EqualityComparer<IReadOnlyDictionary<string, string>>.Default.Equals(AuthenticationItems, other.AuthenticationItems)
                && string.Equals(Name, other.Name, StringComparison.Ordinal)
                && EqualityComparer<IReadOnlyList<string>?>.Default.Equals(Scopes, other.Scopes))));

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Id, StringComparer.Ordinal);
        hash.Add(Kind, StringComparer.Ordinal);
        hash.Add(UserId, StringComparer.Ordinal);
        hash.Add(_createdAt);
        hash.Add(_lastSeenAt);
        hash.Add(_expiresAt);
        hash.Add(_absoluteExpiresAt);
        hash.Add(_authenticatedAt);
        hash.Add(Claims);
        hash.Add(Data);
        hash.Add(Metadata);
        hash.Add(AuthenticationItems);
        hash.Add(Name, StringComparer.Ordinal);
        hash.Add(Scopes);
        return hash.ToHashCode();
    }

    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
