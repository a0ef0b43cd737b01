namespace AspNetSessions.Redis.Resp;

/// <summary>
/// A command's reply did not arrive within the configured timeout. The connection it was sent on is torn down
/// (replies are matched in order, so a missing one makes every later match untrustworthy) and re-established.
/// </summary>
internal sealed class RedisTimeoutException : RedisConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException()
        : base("A Redis command timed out.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What timed out.</param>
    public RedisTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RedisTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
