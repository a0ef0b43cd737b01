using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>A store backend that can be chosen by name (<c>SessionAuth:Store</c>).</summary>
/// <param name="Name">The backend's name, e.g. <c>Memory</c>.</param>
/// <param name="Factory">Creates the backend (once: stores are singletons).</param>
/// <param name="ChangeFeedHint">How to get a change feed for it, for the near-cache's startup error; <see langword="null"/> for none.</param>
internal sealed record SessionStoreRegistration(string Name, Func<IServiceProvider, ISessionStore> Factory, Func<IServiceProvider, string>? ChangeFeedHint = null);
