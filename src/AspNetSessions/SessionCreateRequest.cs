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
}
