using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Stores;

/// <summary>
/// Which registered store backend the app uses: <c>SessionAuth:Store</c> when set, else the backend added last
/// (the in-memory one is added first). Store packages reach it through <see cref="SessionAuthBuilder.ValidateStoreOptions"/>
/// and <see cref="SessionAuthBuilder.AddStoreHostedService"/>, which act only for the backend in use.
/// </summary>
internal sealed class SessionStoreSelection
{
    private readonly IServiceProvider _services;
    private readonly Lazy<ISessionChangeFeed?> _changeFeed;

    public SessionStoreSelection(IServiceProvider services)
    {
        _services = services;
        _changeFeed = new(() => Choose(services, out _) is { } chosen ? ChangeFeedOf(services, chosen) : null);
    }

    /// <summary>The name of the backend in use, e.g. <c>Memory</c> or <c>Redis</c>; <see langword="null"/> when <c>SessionAuth:Store</c> names none that is registered, or while the <c>SessionAuth</c> section is being refused.</summary>
    public string? SelectedStore => Choose(_services, out _)?.Name;

    /// <summary>Whether the backend named <paramref name="storeName"/> (ignoring case) is the one in use.</summary>
    /// <param name="storeName">A backend name, as given to <c>SessionAuthBuilder.AddStore</c>.</param>
    public bool IsSelected(string storeName) => string.Equals(SelectedStore, storeName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The change feed of the backend in use, created once (the startup check and the near-cache share it); <see langword="null"/> when it has none.</summary>
    internal ISessionChangeFeed? ChangeFeed => _changeFeed.Value;

    /// <summary>The chosen registration; built from the configure actions without validation, since validators call this.</summary>
    internal static SessionStoreRegistration? Choose(IServiceProvider services, out SessionStoreOptions options)
    {
        options = new SessionStoreOptions();
        if (services.GetService<SessionConfigurationReport>() is { IsValid: false })
        {
            return null; // nothing is selected from a configuration that is being refused
        }

        foreach (var configure in services.GetServices<IConfigureOptions<SessionStoreOptions>>())
        {
            configure.Configure(options);
        }

        return Pick(services.GetServices<SessionStoreRegistration>(), options.Store);
    }

    /// <summary>The rule itself: the registration named <paramref name="name"/> (the last one so named), or the last one added.</summary>
    internal static SessionStoreRegistration? Pick(IEnumerable<SessionStoreRegistration> registrations, string? name) => name is null
        ? registrations.LastOrDefault()
        : registrations.LastOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ISessionChangeFeed? ChangeFeedOf(IServiceProvider services, SessionStoreRegistration store) => services
        .GetServices<SessionChangeFeedRegistration>()
        .LastOrDefault(f => string.Equals(f.StoreName, store.Name, StringComparison.OrdinalIgnoreCase))?.Factory(services);
}
