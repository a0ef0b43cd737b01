namespace AspNetSessions;

/// <summary>
/// App-wide session settings, the same for every kind: which store backend holds the sessions, how clients are
/// told to retry while it cannot be reached, and how often live connections re-check their session. Bound from the
/// <c>SessionAuth</c> section (<c>Store</c>, <c>StoreUnavailableRetryAfter</c>, <c>LiveConnectionCheckInterval</c>);
/// configure in code with <c>services.Configure&lt;SessionStoreOptions&gt;(...)</c>.
/// </summary>
public sealed class SessionStoreOptions
{
    /// <summary>The backend name (<c>Memory</c>, <c>Redis</c>, <c>EntityFrameworkCore</c>, ...); when unset, the backend added last wins.</summary>
    public string? Store { get; set; }

    /// <summary>The <c>Retry-After</c> sent with the 503 answered while the store cannot be reached. Default 5 seconds.</summary>
    public TimeSpan StoreUnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a live connection (a WebSocket or SignalR connection registered with its session) re-checks its session
    /// while no change feed tells this instance about revocations: the longest such a connection outlives a revocation
    /// made elsewhere. With a live feed, a revocation closes it at once. Default 30 seconds; 00:00:01 to 01:00:00.
    /// </summary>
    public TimeSpan LiveConnectionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where <see cref="Store"/> is configured, for messages.</summary>
    internal string StoreKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:Store";

    /// <summary>Where <see cref="StoreUnavailableRetryAfter"/> is configured, for messages.</summary>
    internal string RetryAfterKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:StoreUnavailableRetryAfter";

    /// <summary>Where <see cref="LiveConnectionCheckInterval"/> is configured, for messages.</summary>
    internal string LiveConnectionCheckIntervalKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:LiveConnectionCheckInterval";
}
