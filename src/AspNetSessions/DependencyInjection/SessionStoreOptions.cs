namespace AspNetSessions;

/// <summary>The app-wide store options: which backend holds the sessions of every kind.</summary>
internal sealed class SessionStoreOptions
{
    /// <summary>The backend name; when unset, the last backend added wins (so <c>AddRedisStore()</c> alone selects Redis).</summary>
    public string? Store { get; set; }

    /// <summary>Where <see cref="Store"/> is configured, for messages.</summary>
    public string StoreKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:Store";
}
