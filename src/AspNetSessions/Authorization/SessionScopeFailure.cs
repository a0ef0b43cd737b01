namespace AspNetSessions;

/// <summary>The request feature a failed <see cref="SessionScopeRequirement"/> leaves for the session scheme's forbid.</summary>
/// <param name="Scopes">The scopes that were required.</param>
internal sealed record SessionScopeFailure(IReadOnlyList<string> Scopes)
{
    /// <summary>The RFC 6750 §3.1 challenge; scopes never hold '"' or '\', so they need no escaping.</summary>
    public string Challenge => $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', Scopes)}\"";
}
