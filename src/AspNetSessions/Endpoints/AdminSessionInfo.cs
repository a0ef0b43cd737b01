using System.Text.Json.Serialization;

namespace AspNetSessions;

/// <summary>A session as the admin endpoints list it: never the token or its digest.</summary>
/// <param name="Id">The session id.</param>
/// <param name="UserId">The user the session belongs to.</param>
/// <param name="Kind">The session kind (e.g. <c>Session</c>, <c>ApiKey</c>).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastSeenAt">When it last authenticated a request.</param>
/// <param name="ExpiresAt">When it expires unless used again.</param>
/// <param name="Metadata">Its metadata (user agent, IP address, ...).</param>
public sealed record AdminSessionInfo(
    string Id,
    string UserId,
    string Kind,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The admin view of a session.</summary>
    /// <param name="session">The session.</param>
    public static AdminSessionInfo From(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.Id, session.UserId, session.Kind, session.CreatedAt, session.LastSeenAt, session.ExpiresAt, session.Metadata)
        {
            Name = session.Name,
            Scopes = session.Scopes,
        };
    }

    /// <summary>The name given at creation (API keys), or <see langword="null"/> (then left out of the JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>The scopes the session is limited to, or <see langword="null"/> when it is unrestricted (<see cref="SessionScopes"/>; then left out of the JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Scopes { get; init; }
}
