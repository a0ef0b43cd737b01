namespace AspNetSessions.Stores;

/// <summary>
/// Tells every app instance when a session changes or ends (Redis pub/sub from the store's scripts, PostgreSQL
/// <c>NOTIFY</c> from triggers in the changing transaction). It is registered beside a store
/// (<c>SessionAuthBuilder.AddChangeFeed</c>), as a backplane sits beside a distributed cache; the near-cache
/// (<c>SessionAuth:NearCache</c>) runs only over a store that has one: without it, it could not bound how long a
/// revoked session stays cached.
/// </summary>
public interface ISessionChangeFeed
{
    /// <summary>
    /// Starts telling <paramref name="listener"/> about changes; disposing the result stops it. The listener is told
    /// <see cref="ISessionChangeListener.ChannelRestored"/> once the feed is live, and
    /// <see cref="ISessionChangeListener.ChannelLost"/> whenever it may have missed a message.
    /// </summary>
    /// <param name="listener">Who to tell.</param>
    IDisposable Subscribe(ISessionChangeListener listener);
}
