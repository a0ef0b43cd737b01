namespace AspNetSessions;

/// <summary>Who a new session is for and what it carries.</summary>
public sealed record SessionCreateRequest
{
    /// <summary>The user id (becomes the <c>NameIdentifier</c> claim).</summary>
    public required string UserId { get; init; }

    /// <summary>Claims added to the principal of every request authenticated by the session.</summary>
    public IReadOnlyList<SessionClaim>? Claims { get; init; }

    /// <summary>Application data kept with the session.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>Filterable descriptive fields such as <see cref="SessionMetadataKeys.UserAgent"/>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    // Sign-in state (issue #14, step-up).

    /// <summary>
    /// When the user proved who they are, if earlier than now (e.g. an identity provider's <c>auth_time</c>);
    /// <see langword="null"/> (the default) is now. A value in the future is refused.
    /// </summary>
    public DateTimeOffset? AuthenticatedAt { get; init; }

    /// <summary>
    /// An earlier hard end than the kind's <c>AbsoluteTimeout</c> (the sign-in's <c>AuthenticationProperties.ExpiresUtc</c>);
    /// it never extends a session beyond that timeout. Must be in the future.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// Authentication properties items to keep with the session (saved tokens, <c>.persistent</c>, the app's own), at most
    /// <see cref="SessionAuthenticationItems.MaxBytes"/> in all; see <see cref="SessionAuthenticationItems"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AuthenticationItems { get; init; }
    // --- API keys (issue #14): name, scopes, lifetime ---------------------------------------------------------

    /// <summary>The longest <see cref="Name"/> accepted, in characters.</summary>
    public const int NameMaxLength = 100;

    /// <summary>
    /// A name for the session, shown in listings (e.g. <c>ci</c>): at most <see cref="NameMaxLength"/> characters, no
    /// control characters, not blank. <see langword="null"/> for none.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// The scopes the session is limited to (RFC 6749 §3.3 scope-tokens, at most <see cref="SessionScopes.MaxCount"/>).
    /// <see langword="null"/>: unrestricted, unless the kind declares scopes (then nothing is granted); see <see cref="SessionScopes"/>.
    /// </summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>
    /// A shorter life than the kind's: the session's absolute expiry becomes creation + this. Must be positive and not
    /// exceed the kind's <c>AbsoluteTimeout</c>. <see langword="null"/>: the kind's lifetimes apply.
    /// </summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>The DBSC registration challenge a cookie sign-in offers, kept on the new session (set by the handler only).</summary>
    internal string? DeviceChallenge { get; init; }
}
