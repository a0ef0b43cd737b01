using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.Http;

/// <summary>
/// "A dump of the store authenticates nobody" on a real PostgreSQL (issue #22): after an OpenID Connect-style sign-in
/// with saved tokens, every row of every table of the database, as text, holds no access, refresh or ID token and no
/// marked claim or data in readable form.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAtRestTests(PostgresServer server)
{
    [Fact]
    public async Task A_dump_of_the_database_holds_no_saved_token_and_no_marked_secret()
    {
        var connectionString = await server.CreateDatabaseAsync("atrest");
        await using var app = await AtRestScenario.StartAsync(sessions => sessions.AddEntityFrameworkCoreStore(db => db.UseNpgsql(connectionString)));
        await using (var context = await app.App.Services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        await app.SignInAsync();

        var tables = await PostgresServer.QueryTextAsync(connectionString,
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        Assert.NotEmpty(tables);
        var dump = new List<string>();
        foreach (var table in tables)
        {
            dump.AddRange(await PostgresServer.QueryTextAsync(connectionString, $"SELECT t::text FROM {table} t"));
        }

        app.AssertNothingReadable(dump);
    }
}
