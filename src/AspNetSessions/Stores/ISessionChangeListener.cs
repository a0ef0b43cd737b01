namespace AspNetSessions.Stores;

/// <summary>What an <see cref="ISessionChangeFeed"/> reports. Calls may come from any thread and must return quickly.</summary>
public interface ISessionChangeListener
{
    /// <summary>A session was changed, rotated, revoked or pruned.</summary>
    /// <param name="kind">The session kind.</param>
    /// <param name="sessionId">The session id.</param>
    void SessionChanged(string kind, string sessionId);

    /// <summary>Any number of a user's sessions were changed or ended (revoke-all, delete by filter).</summary>
    /// <param name="kind">The session kind.</param>
    /// <param name="userId">The user id.</param>
    void UserChanged(string kind, string userId);

    /// <summary>Sessions of a kind may have changed without being named (kind-wide deletes, pruning).</summary>
    /// <param name="kind">The session kind.</param>
    void KindChanged(string kind);

    /// <summary>The channel is down or may have dropped messages: nothing heard before may be trusted any more.</summary>
    void ChannelLost();

    /// <summary>The channel is live (again): messages from now on are delivered.</summary>
    void ChannelRestored();
}
