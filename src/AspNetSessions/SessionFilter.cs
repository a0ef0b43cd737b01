
namespace AspNetSessions;

/// <summary>Selects sessions of a manager's kind; fields left <see langword="null"/> match anything.</summary>
public sealed record SessionFilter
{
    /// <summary>Only sessions of this user.</summary>
    public string? UserId { get; init; }

    /// <summary>Valid, expired or all sessions; <see langword="null"/> means the operation's default.</summary>
    public SessionStatus? Status { get; init; }

    /// <summary>Metadata fields that must all be present with exactly these values.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A session id to leave out.</summary>
    public string? ExceptSessionId { get; init; }
}
