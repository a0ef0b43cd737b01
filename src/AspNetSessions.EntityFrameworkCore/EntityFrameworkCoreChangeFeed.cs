namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The EF Core store and the near-cache: the store announces no changes by itself; only on PostgreSQL does a change feed
/// exist, added by <c>AspNetSessions.EntityFrameworkCore.PostgreSQL</c>.
/// </summary>
internal static class EntityFrameworkCoreChangeFeed
{
    public const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static bool IsPostgreSql(string? provider) => string.Equals(provider, NpgsqlProvider, StringComparison.Ordinal);

    /// <summary>How to get a change feed for the store on <paramref name="provider"/>, for the near-cache's startup error.</summary>
    public static string Hint(string? provider) => IsPostgreSql(provider)
        ? "reference the AspNetSessions.EntityFrameworkCore.PostgreSQL package and call AddPostgreSqlChangeNotifications() after AddEntityFrameworkCoreStore(...): it announces the store's changes with PostgreSQL NOTIFY"
        : $"run the store on PostgreSQL: it is on {provider ?? "no provider"}, which has no change channel (only PostgreSQL has one, {NpgsqlProvider} with the AspNetSessions.EntityFrameworkCore.PostgreSQL package and AddPostgreSqlChangeNotifications())";
}
