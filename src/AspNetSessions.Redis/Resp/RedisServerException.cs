namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The server answered a command with an error reply (<c>-ERR ...</c>, <c>-NOSCRIPT ...</c>, <c>-WRONGTYPE ...</c>).
/// The connection stays healthy. <see cref="Exception.Message"/> is the server's text, which names the error code
/// first; Redis does not echo command arguments into error replies that carry secrets.
/// </summary>
internal sealed class RedisServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisServerException()
        : base("ERR")
    {
    }

    /// <summary>Creates the exception from the server's error text.</summary>
    /// <param name="message">The error reply, e.g. <c>NOSCRIPT No matching script.</c></param>
    public RedisServerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the server's error text and an underlying failure.</summary>
    /// <param name="message">The error reply.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RedisServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error code: the first word of the reply (<c>ERR</c>, <c>NOSCRIPT</c>, <c>WRONGPASS</c>, ...).</summary>
    public string ErrorCode
    {
        get
        {
            var space = Message.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Message : Message[..space];
        }
    }

    /// <summary>True for <c>NOSCRIPT</c>: the script is not in the server's cache (EVALSHA falls back to EVAL).</summary>
    public bool IsNoScript => Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
