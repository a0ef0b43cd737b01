using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>A store backend that can be chosen by name (<c>SessionAuth:Store</c>).</summary>
/// <param name="Name">The backend's name, e.g. <c>Memory</c>.</param>
/// <param name="Factory">Creates the backend (once: stores are singletons).</param>
internal sealed record SessionStoreRegistration(string Name, Func<IServiceProvider, ISessionStore> Factory);

/// <summary>The app-wide session options: which backend holds the sessions of every kind.</summary>
internal sealed class SessionStoreSelection
{
    /// <summary>The backend name; when unset, the last backend added wins (so <c>AddRedisStore()</c> alone selects Redis).</summary>
    public string? Store { get; set; }

    /// <summary>Where <see cref="Store"/> is configured, for messages.</summary>
    public string StoreKey { get; set; } = $"{SessionAuthenticationDefaults.ConfigurationSection}:Store";
}

/// <summary>Checks at startup that the chosen backend exists and that kinds and token prefixes are unique.</summary>
internal sealed class SessionStoreSelectionValidator(
    IEnumerable<SessionStoreRegistration> stores,
    IEnumerable<SessionSchemeRegistration> schemes,
    IOptionsMonitor<SessionAuthenticationOptions> schemeOptions) : IValidateOptions<SessionStoreSelection>
{
    public ValidateOptionsResult Validate(string? name, SessionStoreSelection options)
    {
        var errors = new List<string>();
        var names = stores.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (options.Store is { } store && !names.Contains(store, StringComparer.OrdinalIgnoreCase))
        {
            var hint = string.Equals(store, "Redis", StringComparison.OrdinalIgnoreCase)
                ? " Reference the AspNetSessions.Redis package and call AddRedisStore() on the result of AddSessionAuth()."
                : string.Empty;
            errors.Add($"{options.StoreKey} is '{store}', but the registered session stores are: {string.Join(", ", names)}.{hint}");
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

    /// <summary>Creates the chosen backend.</summary>
    public static ISessionStore Create(IServiceProvider services)
    {
        var chosen = Choose(services, out var selection);
        var store = chosen?.Factory(services)
            ?? throw new InvalidOperationException($"{selection.StoreKey} names no registered session store.");
        return new InstrumentedSessionStore(store, services.GetRequiredService<SessionMetrics>());
    }

    /// <summary>The name of the backend in use: <c>Store</c> if set, else the one added last.</summary>
    public static string? ChosenStore(IServiceProvider services) => Choose(services, out _)?.Name;

    private static SessionStoreRegistration? Choose(IServiceProvider services, out SessionStoreSelection selection)
    {
        // Built from its configure actions, without validation: validators call this and must not recurse into it.
        selection = new SessionStoreSelection();
        foreach (var configure in services.GetServices<IConfigureOptions<SessionStoreSelection>>())
        {
            configure.Configure(selection);
        }

        var name = selection.Store;
        var all = services.GetServices<SessionStoreRegistration>().ToArray();
        return name is null ? all.LastOrDefault() : all.LastOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
