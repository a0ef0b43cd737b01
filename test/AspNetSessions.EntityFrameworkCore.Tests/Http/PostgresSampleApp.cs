using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.TestSupport;

namespace AspNetSessions.EntityFrameworkCore.Tests.Http;

/// <summary>samples/WebApp configured for PostgreSQL exactly as a deployment would be: environment-style keys only.</summary>
public static class PostgresSampleApp
{
    public static SampleApp Create(string connectionString) => new(new Dictionary<string, string?>
    {
        ["SessionAuth:Store"] = "EntityFrameworkCore",
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Sessions"] = connectionString,
        ["SessionAuth:StoreUnavailableRetryAfter"] = "00:00:07",
    });

    public static async Task<SampleApp> StartAsync(PostgresServer server, string prefix) =>
        Create(await server.CreateDatabaseAsync(prefix));
}
