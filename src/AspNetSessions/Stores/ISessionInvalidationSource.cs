namespace AspNetSessions.Stores;

/// <summary>
/// Implemented by a store that can tell every app instance when a session changes or ends (Redis pub/sub from its
/// scripts, PostgreSQL <c>NOTIFY</c> in the changing transaction). The near-cache (<c>SessionAuth:NearCache</c>) runs
/// only over such a store: without the channel it could not bound how long a revoked session stays cached.
/// </summary>
public interface ISessionInvalidationSource
{
    /// <summary>
    /// Starts telling <paramref name="listener"/> about changes; disposing the result stops it. The listener is told
    /// <see cref="ISessionInvalidationListener.ChannelRestored"/> once the channel is live, and
    /// <see cref="ISessionInvalidationListener.ChannelLost"/> whenever it may have missed a message.
    /// </summary>
    /// <param name="listener">Who to tell.</param>
    IDisposable Subscribe(ISessionInvalidationListener listener);
}
