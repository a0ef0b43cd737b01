namespace AspNetSessions;

/// <summary>
/// The near-cache: validated sessions kept in process in front of a remote store, bound from <c>SessionAuth:NearCache</c>.
/// Only positive answers are cached and each is trusted at most <see cref="MaxStaleness"/> after the store gave it;
/// every change the store announces evicts it at once, and losing the announcement channel flushes the cache.
/// </summary>
public sealed class SessionNearCacheOptions
{
    /// <summary>Switches the near-cache on. Default off. The store must have a change feed (<c>ISessionChangeFeed</c>) registered beside it.</summary>
    public bool Enabled { get; set; }

    /// <summary>The most sessions kept; past it, new ones are not cached until room is made. Default 100 000 (tens of MB at most).</summary>
    public int SizeLimit { get; set; } = 100_000;

    /// <summary>
    /// The longest a cached session is trusted without hearing from the store, even if no invalidation ever arrives:
    /// the worst-case revocation lag should the channel fail silently. Default 5 seconds.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(5);
}
