namespace AspNetSessions.Redis.Resp;

/// <summary>
/// The server refused the configured credentials (WRONGPASS, NOAUTH, ...). The message never contains the password;
/// the server's own error reply is the <see cref="Exception.InnerException"/>.
/// </summary>
internal sealed class RedisAuthenticationException : RedisConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RedisAuthenticationException()
        : base("Redis authentication failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public RedisAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the server's error reply.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The server's error reply.</param>
    public RedisAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
