namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The peer sent bytes that are not valid RESP. The connection is unusable after this and is torn down, which is why
/// this is a <see cref="RedisConnectionException"/>.
/// </summary>
internal sealed class RedisProtocolException : RedisConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException()
        : base("Invalid RESP data.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was wrong with the data.</param>
    public RedisProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What was wrong with the data.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RedisProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
