using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Checks at startup that the chosen backend exists and that kinds and token prefixes are unique.</summary>
internal sealed class SessionStoreOptionsValidator(
    IServiceProvider services,
    IEnumerable<SessionStoreRegistration> stores,
    IEnumerable<SessionSchemeRegistration> schemes,
    IOptionsMonitor<SessionAuthenticationOptions> schemeOptions,
    SessionConfigurationReport? configuration = null,
    IOptions<SessionNearCacheOptions>? nearCache = null) : IValidateOptions<SessionStoreOptions>
{
    /// <summary>Why the near-cache cannot run over a store, in the words of the setting that asks for it, with the store's hint.</summary>
    public static string NearCacheUnsupported(SessionStoreRegistration store, IServiceProvider services) =>
        $"{SessionAuthenticationDefaults.ConfigurationSection}:NearCache:Enabled is true, but the {store.Name} session store does not announce changes to other app instances (it has no change feed), so a revoked session could stay cached: switch the near-cache off, or "
        + (store.ChangeFeedHint?.Invoke(services) ?? "use a store that announces changes") + ".";

    public ValidateOptionsResult Validate(string? name, SessionStoreOptions options)
    {
        if (configuration is { IsValid: false })
        {
            return ValidateOptionsResult.Fail(configuration.Errors); // the whole section, checked before anything bound it
        }

        var errors = new List<string>();
        var names = stores.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (options.Store is { } store && !names.Contains(store, StringComparer.OrdinalIgnoreCase))
        {
            var hint = string.Equals(store, "Redis", StringComparison.OrdinalIgnoreCase)
                ? " Reference the AspNetSessions.Redis package and call AddRedisStore() on the result of AddSessionAuth()."
                : string.Empty;
            errors.Add($"{options.StoreKey} is '{store}', but the registered session stores are: {string.Join(", ", names)}.{hint}");
        }

        if (options.StoreUnavailableRetryAfter < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{options.RetryAfterKey} must be at least 00:00:01; got '{options.StoreUnavailableRetryAfter}'.");
        }

        if (options.LiveConnectionCheckInterval < TimeSpan.FromSeconds(1) || options.LiveConnectionCheckInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{options.LiveConnectionCheckIntervalKey} must be between 00:00:01 and 01:00:00 (it is how long a live connection can outlive a revocation no change feed announced); got '{options.LiveConnectionCheckInterval}'.");
        }

        if (nearCache?.Value is { Enabled: true } cache)
        {
            if (SessionStoreSelection.Pick(stores, options.Store) is { } chosen && services.GetRequiredService<SessionStoreSelection>().ChangeFeed is null)
            {
                errors.Add(NearCacheUnsupported(chosen, services));
            }

            if (cache.SizeLimit < 1)
            {
                errors.Add($"{SessionAuthenticationDefaults.ConfigurationSection}:NearCache:SizeLimit must be at least 1; got {cache.SizeLimit}.");
            }

            if (cache.MaxStaleness <= TimeSpan.Zero || cache.MaxStaleness > TimeSpan.FromHours(1))
            {
                errors.Add($"{SessionAuthenticationDefaults.ConfigurationSection}:NearCache:MaxStaleness must be more than 00:00:00 and at most 01:00:00 (it is the worst-case revocation lag); got '{cache.MaxStaleness}'.");
            }
        }

        SessionSchemeRegistration[] registrations;
        try
        {
            registrations = [.. schemes.DistinctBy(s => s.Scheme)];
            foreach (var scheme in registrations)
            {
                _ = schemeOptions.Get(scheme.Scheme);
            }
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // a scheme's own validation reports it; uniqueness is checked once it passes
        }

        Unique("Session kind", o => o.Kind, "Kind", "each kind needs its own name", registrations);
        Unique("Token prefix", o => o.TokenPrefix, "TokenPrefix", "each kind needs its own", registrations);
        // A second cookie kind under the same name would overwrite the first's cookie: signing in to one signs the browser out of the other.
        Unique("Cookie name", o => o.TokenSources?.Contains(SessionTokenSource.Cookie) == true ? o.Cookie.Name : null, "Cookie:Name",
            "signing in to one would sign the browser out of the other, so each cookie kind needs its own", registrations);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Unique(string what, Func<SessionAuthenticationOptions, string?> value, string key, string remedy, SessionSchemeRegistration[] all)
        {
            foreach (var group in all.Where(s => value(schemeOptions.Get(s.Scheme)) is not null)
                .GroupBy(s => value(schemeOptions.Get(s.Scheme)), StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add($"{what} '{group.Key}' is used by several schemes ({string.Join(", ", group.Select(s => s.Scheme))}); {remedy} ({string.Join(", ", group.Select(s => s.Key(key)))}).");
            }
        }
    }
}
