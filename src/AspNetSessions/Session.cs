namespace AspNetSessions;

/// <summary>
/// A server-side session as apps see it: who it belongs to, when it lives, and what it carries.
/// It never holds the token or its digest, so it is safe to serialize into API responses.
/// </summary>
public sealed record Session
{
    /// <summary>The session id: 22 URL-safe characters, unique within the kind, not a secret.</summary>
    public required string Id { get; init; }

    /// <summary>The session kind (namespace) this session belongs to, e.g. <c>Session</c> or <c>ApiKey</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The id of the user who owns the session.</summary>
    public required string UserId { get; init; }

    /// <summary>When the session was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the session was last used to authenticate (accurate to the kind's sliding granularity).</summary>
    public required DateTimeOffset LastSeenAt { get; init; }

    /// <summary>
    /// When the session expires unless it is used again: the idle expiry, capped by <see cref="AbsoluteExpiresAt"/>.
    /// <see cref="DateTimeOffset.MaxValue"/> when the kind has neither an idle nor an absolute timeout.
    /// </summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The hard end of the session's life, fixed at creation; <see langword="null"/> when the kind has no absolute timeout.</summary>
    public DateTimeOffset? AbsoluteExpiresAt { get; init; }

    /// <summary>Claims added to the principal of every request authenticated by this session.</summary>
    public IReadOnlyList<SessionClaim> Claims { get; init; } = [];

    /// <summary>Application data kept with the session; not added to the principal.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = SessionMaps.Empty;

    /// <summary>Descriptive fields (device, user agent, IP address, ...) that sessions can be filtered on.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = SessionMaps.Empty;

    // Sign-in state (issue #14, step-up): when the user last proved who they are, and what the sign-in's
    // AuthenticationProperties asked to keep (SessionAuthenticationItems decides which items those are).

    /// <summary>
    /// When the user last proved who they are: the sign-in (or the identity provider's <c>auth_time</c>), or the latest
    /// <see cref="ISessionManager.ReauthenticateAsync"/>. Policies built with <c>RequireRecentAuthentication</c> compare it
    /// with their maximum age (RFC 9470). A store that does not keep it returns <see cref="DateTimeOffset.MinValue"/>,
    /// which every freshness check treats as stale.
    /// </summary>
    public DateTimeOffset AuthenticatedAt { get; init; }

    /// <summary>
    /// The sign-in's <c>AuthenticationProperties.Items</c> kept with the session on the server (never in the cookie):
    /// saved tokens (<c>.Token.*</c>), <c>.persistent</c> and the app's own items; see <see cref="SessionAuthenticationItems"/>.
    /// They come back in <c>AuthenticateResult.Properties</c>, so <c>HttpContext.GetTokenAsync("access_token")</c> works.
    /// </summary>
    public IReadOnlyDictionary<string, string> AuthenticationItems { get; init; } = SessionMaps.Empty;
    // --- API keys (issue #14): name and scopes ---------------------------------------------------------------

    /// <summary>A name the user gave the session when creating it (e.g. <c>ci</c> for an API key); <see langword="null"/> for none.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The scopes the session is limited to, or <see langword="null"/> when it is unrestricted. An empty list grants
    /// nothing: the rule is <see cref="SessionScopes.Allows(Session, string)"/>.
    /// </summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    // --- Device-bound sessions (issue #26, DBSC) ------------------------------------------------------------

    /// <summary>The device key the session is bound to, or <see langword="null"/> for an ordinary session.</summary>
    public SessionDeviceKey? DeviceKey { get; init; }

    /// <summary>Whether the session is bound to a device key: <see cref="SessionBinding.DeviceBound"/> exactly when it has a <see cref="DeviceKey"/>.</summary>
    public SessionBinding Binding => DeviceKey is null ? SessionBinding.None : SessionBinding.DeviceBound;

    /// <summary>
    /// The session's one outstanding DBSC challenge (its expiry is part of the value), or <see langword="null"/> for none.
    /// A proof must sign exactly this value; the manager consumes it with a <see cref="Stores.SessionPatch.IfDeviceChallenge"/>
    /// precondition, so a challenge is used at most once. Not a secret (it travels in a response header), and not a credential.
    /// </summary>
    public string? DeviceChallenge { get; init; }

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Whether the session is still valid at <paramref name="now"/>.</summary>
    /// <param name="now">The instant to check against.</param>
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt > now;

    /// <summary>
    /// Until when the session's current token authenticates: its expiry, or a device-bound session's credential expiry when
    /// that comes first (DBSC: a stolen cookie dies with its credential). The handler refuses a request past it, and a
    /// live connection opened with the token is closed at it; the previous token of a DBSC grace period stops earlier
    /// still, at its grace end (<see cref="Stores.SessionRecord.TokenExpiresAt"/>).
    /// </summary>
    internal DateTimeOffset TokenExpiresAt => DeviceKey is { } key && key.CredentialExpiresAt < ExpiresAt ? key.CredentialExpiresAt : ExpiresAt;
}
