using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// At startup: the near-cache over the EF Core store needs the store's context on PostgreSQL (an app may register this
/// add-on and still run on SQLite by configuration, where there is no change channel).
/// </summary>
internal sealed class PostgreSqlNearCacheValidator(IServiceProvider services) : IValidateOptions<SessionNearCacheOptions>
{
    public const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static bool IsPostgreSql(string? provider) => string.Equals(provider, NpgsqlProvider, StringComparison.Ordinal);

    /// <summary>The one message for "this database has no change channel".</summary>
    public static string NoChannel(string? provider) =>
        $"{SessionAuthenticationDefaults.ConfigurationSection}:NearCache:Enabled is true, but the EntityFrameworkCore session store is on {provider ?? "no provider"}, "
        + $"which has no change channel to tell other app instances about revocations (only PostgreSQL has one, {NpgsqlProvider} with AddPostgreSqlChangeNotifications()): switch the near-cache off on this database.";

    public ValidateOptionsResult Validate(string? name, SessionNearCacheOptions options)
    {
        if (!options.Enabled || !services.GetRequiredService<SessionStoreSelection>().IsSelected(EntityFrameworkCoreSessionStoreOptions.StoreName))
        {
            return ValidateOptionsResult.Success;
        }

        var provider = services.GetRequiredService<IEntityFrameworkCoreSessionStore>().GetProviderName();
        return IsPostgreSql(provider) ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(NoChannel(provider));
    }
}
