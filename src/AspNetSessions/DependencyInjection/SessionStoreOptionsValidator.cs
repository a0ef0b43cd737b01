using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Checks at startup that the chosen backend exists and that kinds and token prefixes are unique.</summary>
internal sealed class SessionStoreOptionsValidator(
    IEnumerable<SessionStoreRegistration> stores,
    IEnumerable<SessionSchemeRegistration> schemes,
    IOptionsMonitor<SessionAuthenticationOptions> schemeOptions,
    SessionConfigurationReport? configuration = null) : IValidateOptions<SessionStoreOptions>
{
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

        foreach (var group in registrations.GroupBy(s => schemeOptions.Get(s.Scheme).Kind, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"Session kind '{group.Key}' is used by several schemes ({string.Join(", ", group.Select(s => s.Scheme))}); each kind needs its own name ({string.Join(", ", group.Select(s => s.Key("Kind")))}).");
        }

        foreach (var group in registrations.GroupBy(s => schemeOptions.Get(s.Scheme).TokenPrefix, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"Token prefix '{group.Key}' is used by several schemes ({string.Join(", ", group.Select(s => s.Scheme))}); each kind needs its own ({string.Join(", ", group.Select(s => s.Key("TokenPrefix")))}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
