namespace AspNetSessions;

/// <summary>What <see cref="ISessionManager.UpdateAsync"/> replaces; fields left <see langword="null"/> are kept.</summary>
public sealed record SessionUpdate
{
    /// <summary>New claims.</summary>
    public IReadOnlyList<SessionClaim>? Claims { get; init; }

    /// <summary>New application data.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>New metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    // Sign-in state (issue #14, step-up).

    /// <summary>
    /// New authentication properties items (e.g. a refreshed access token saved as <c>.Token.access_token</c>), replacing
    /// the stored ones; at most <see cref="SessionAuthenticationItems.MaxBytes"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AuthenticationItems { get; init; }
}
