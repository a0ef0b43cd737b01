using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>A store backend that can be chosen by name (<c>SessionAuth:Store</c>).</summary>
/// <param name="Name">The backend's name, e.g. <c>Memory</c>.</param>
/// <param name="Factory">Creates the backend (once: stores are singletons).</param>
/// <param name="StoreType">The backend's type as registered (what it can do, e.g. announce changes, is known before it is created).</param>
internal sealed record SessionStoreRegistration(string Name, Func<IServiceProvider, ISessionStore> Factory, Type StoreType)
{
    /// <summary>Whether the backend tells other instances about changes, which the near-cache needs.</summary>
    public bool AnnouncesChanges => typeof(ISessionInvalidationSource).IsAssignableFrom(StoreType);
}
