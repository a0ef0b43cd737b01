namespace AspNetSessions;

/// <summary>
/// A paging cursor that was not issued for this listing: damaged, forged, from another store, another session kind
/// or another query (filters). The admin endpoints answer it with 400.
/// </summary>
public sealed class SessionCursorException : ArgumentException
{
    /// <summary>Creates the exception with the default message.</summary>
    public SessionCursorException()
        : this("The cursor was not issued for this listing (it is damaged, forged, or from another store, kind or query); start again without a cursor.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the cursor.</param>
    public SessionCursorException(string message)
        : base(message, "cursor")
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the cursor.</param>
    /// <param name="innerException">The cause.</param>
    public SessionCursorException(string message, Exception innerException)
        : base(message, "cursor", innerException)
    {
    }
}
