using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>The change feed registered beside the store backend named <paramref name="StoreName"/>.</summary>
/// <param name="StoreName">The backend's name, e.g. <c>Redis</c>.</param>
/// <param name="Factory">Creates the feed, or returns <see langword="null"/> when the backend, as configured, has none.</param>
internal sealed record SessionChangeFeedRegistration(string StoreName, Func<IServiceProvider, ISessionChangeFeed?> Factory);
