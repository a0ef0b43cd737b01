using System.Text.Json.Serialization;

namespace AspNetSessions;

/// <summary>One of the caller's sessions as listed by <c>MapSessionEndpoints</c>: no token, no digest.</summary>
/// <param name="Id">The session id.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastSeenAt">When it was last used.</param>
/// <param name="ExpiresAt">When it expires unless used again.</param>
/// <param name="Current">Whether it is the session of the calling request.</param>
/// <param name="Metadata">Its metadata: user agent, IP address, and whatever the app added.</param>
public sealed record SessionInfo(
    string Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    bool Current,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The listing entry of <paramref name="session"/>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="currentSessionId">The id of the calling request's session, if any.</param>
    public static SessionInfo From(Session session, string? currentSessionId)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.Id, session.CreatedAt, session.LastSeenAt, session.ExpiresAt,
            string.Equals(session.Id, currentSessionId, StringComparison.Ordinal), session.Metadata)
        {
            Name = session.Name,
            Scopes = session.Scopes,
            Binding = session.Binding,
        };
    }

    /// <summary>The name given at creation (API keys), or <see langword="null"/> (then left out of the JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>The scopes the session is limited to, or <see langword="null"/> when it is unrestricted (<see cref="SessionScopes"/>; then left out of the JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Whether the session is bound to a device key (DBSC): <c>"binding": "DeviceBound"</c> in the JSON, left out for <c>None</c>.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<SessionBinding>))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public SessionBinding Binding { get; init; }
}
