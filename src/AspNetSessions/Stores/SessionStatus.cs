namespace AspNetSessions;

/// <summary>Which sessions a query matches by expiry.</summary>
public enum SessionStatus
{
    /// <summary>Only sessions still valid at the query's instant.</summary>
    Valid = 0,

    /// <summary>Only sessions that have expired but are still held by the store.</summary>
    Expired = 1,

    /// <summary>Valid and expired sessions alike.</summary>
    All = 2,
}
