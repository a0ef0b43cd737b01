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
}
