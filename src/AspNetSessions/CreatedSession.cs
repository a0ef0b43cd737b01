namespace AspNetSessions;

/// <summary>A newly created (or rotated) session and its token. The token is shown once: store it client-side only.</summary>
/// <param name="Session">The session.</param>
/// <param name="Token">The plaintext token, e.g. <c>sess_…</c>.</param>
public sealed record CreatedSession(Session Session, string Token)
{
    /// <summary>Keeps the token out of logs and debugger displays that print the record.</summary>
    /// <param name="builder">The builder the record's <c>ToString</c> writes to.</param>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Session = ").Append(Session).Append(", Token = ***");
        return true;
    }
}
