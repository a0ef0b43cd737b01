namespace AspNetSessions;

/// <summary>Why session authentication failed; carried by the failed result so that the challenge can answer to fit.</summary>
internal sealed class SessionAuthenticationFailure(SessionFailureReason reason, string message) : Exception(message)
{
    public SessionFailureReason Reason { get; } = reason;
}
