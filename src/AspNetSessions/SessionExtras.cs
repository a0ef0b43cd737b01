namespace AspNetSessions;

/// <summary>
/// The members of a <see cref="Session"/> that most sessions leave at their defaults (data, metadata, authentication
/// items, name, scopes), kept in one object with the claims, so that a session without them holds one reference for
/// all of them instead of six (bytes per stored session, bench/results/perf-2026-12-02).
/// </summary>
/// <remarks>
/// A session's payload field is either its claims list itself (every other member here at its default) or one of
/// these; <see cref="Pack"/> is the only place that decides which. Instances are immutable and may be shared by
/// sessions (a <c>with</c> copy keeps the same one), so they are never changed in place.
/// </remarks>
internal sealed class SessionExtras(
    IReadOnlyList<SessionClaim> claims,
    IReadOnlyDictionary<string, string> data,
    IReadOnlyDictionary<string, string> metadata,
    IReadOnlyDictionary<string, string> authenticationItems,
    string? name,
    IReadOnlyList<string>? scopes)
{
    /// <summary>The payload of a session with no claims and every member here at its default.</summary>
    public static readonly object None = Array.Empty<SessionClaim>();

    public IReadOnlyList<SessionClaim> Claims { get; } = claims;

    public IReadOnlyDictionary<string, string> Data { get; } = data;

    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    public IReadOnlyDictionary<string, string> AuthenticationItems { get; } = authenticationItems;

    public string? Name { get; } = name;

    public IReadOnlyList<string>? Scopes { get; } = scopes;

    /// <summary>
    /// A session's payload for these members: the claims list alone when the others are the defaults a new session
    /// has (the shared empty map, <see langword="null"/>), by reference, else a new <see cref="SessionExtras"/>.
    /// </summary>
    public static object Pack(
        IReadOnlyList<SessionClaim> claims,
        IReadOnlyDictionary<string, string> data,
        IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, string> authenticationItems,
        string? name,
        IReadOnlyList<string>? scopes) =>
        ReferenceEquals(data, SessionMaps.Empty) && ReferenceEquals(metadata, SessionMaps.Empty)
            && ReferenceEquals(authenticationItems, SessionMaps.Empty) && name is null && scopes is null
            ? claims
            : new SessionExtras(claims, data, metadata, authenticationItems, name, scopes);
}
