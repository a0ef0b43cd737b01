
namespace AspNetSessions.Redis.Resp;

/// <summary>
/// Redis could not be reached, the connection was lost, or it is currently down (commands fail fast while it
/// reconnects). The store layer turns this, and its subclasses, into <see cref="SessionStoreUnavailableException"/>.
/// </summary>
internal class RedisConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException()
        : base("The Redis connection is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed; never contains a password or command arguments.</param>
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What failed; never contains a password or command arguments.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
