using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions.EntityFrameworkCore.Tests.NearCache;

/// <summary>The near-cache over the plain EF Core store (no change feed beside it) is refused at startup, naming what enables it.</summary>
public sealed class NearCacheRefusalTests
{
    [Fact]
    public void On_postgresql_without_the_add_on_the_refusal_names_the_package_and_its_call() =>
        AssertRefused(db => db.UseNpgsql("Host=127.0.0.1;Username=postgres;Database=unused"),
            "EntityFrameworkCore session store does not announce changes", "AspNetSessions.EntityFrameworkCore.PostgreSQL", "AddPostgreSqlChangeNotifications()");

    [Fact]
    public void On_sqlite_the_refusal_names_the_provider_that_has_no_channel_and_the_package_for_postgresql() =>
        AssertRefused(db => db.UseSqlite("Data Source=:memory:"),
            "Microsoft.EntityFrameworkCore.Sqlite", "no change channel", "AspNetSessions.EntityFrameworkCore.PostgreSQL", "AddPostgreSqlChangeNotifications()");

    private static void AssertRefused(Action<DbContextOptionsBuilder> database, params string[] expected)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SessionAuth:NearCache:Enabled"] = "true" }).Build();
        services.AddSessionAuth(configuration.GetSection("SessionAuth")).AddEntityFrameworkCoreStore(database);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value);
        Assert.All(expected, text => Assert.Contains(text, error.Message, StringComparison.Ordinal));
    }
}
