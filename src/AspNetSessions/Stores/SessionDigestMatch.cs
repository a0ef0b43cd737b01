namespace AspNetSessions.Stores;

/// <summary>Which of a stored record's digests a presented one matches (<see cref="SessionRecord.Match"/>).</summary>
public enum SessionDigestMatch
{
    /// <summary>Neither: the token authenticates nothing.</summary>
    None,

    /// <summary>The current digest: the token authenticates, and a lookup may slide the session.</summary>
    Current,

    /// <summary>
    /// The previous digest, within its grace period: the token authenticates until the grace end, and a lookup by it is a
    /// pure read (it never slides the session, so nothing an old token does keeps anything alive).
    /// </summary>
    Previous,
}
