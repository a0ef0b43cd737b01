namespace AspNetSessions;

/// <summary>
/// App-wide session settings, the same for every kind: which store backend holds the sessions and how clients are
/// told to retry while it cannot be reached. Bound from the <c>SessionAuth</c> section (<c>Store</c>,
/// <c>StoreUnavailableRetryAfter</c>); configure in code with <c>services.Configure&lt;SessionStoreOptions&gt;(...)</c>.
/// </summary>
public sealed class SessionStoreOptions
{
    /// <summary>The backend name (<c>Memory</c>, <c>Redis</c>, <c>EntityFrameworkCore</c>, ...); when unset, the backend added last wins.</summary>
    public string? Store { get; set; }

    /// <summary>The <c>Retry-After</c> sent with the 503 answered while the store cannot be reached. Default 5 seconds.</summary>
    public TimeSpan StoreUnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where <see cref="Store"/> is configured, for messages.</summary>
    internal string StoreKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:Store";

    /// <summary>Where <see cref="StoreUnavailableRetryAfter"/> is configured, for messages.</summary>
    internal string RetryAfterKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:StoreUnavailableRetryAfter";
}
