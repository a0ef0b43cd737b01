#pragma warning disable EF1001 // Npgsql's design-time services are what `dotnet ef` loads; there is no other way to get them.
using System.Reflection;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// The migrations path an app takes: scaffold a migration from its model (EF's design-time services, what
/// <c>dotnet ef migrations add AddSessions</c> runs), compile it, apply it to an empty PostgreSQL database, and run
/// the session API on the schema it made.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresServer server)
{
    [Fact]
    public async Task A_migration_scaffolded_from_the_model_creates_a_working_schema()
    {
        var connectionString = await server.CreateDatabaseAsync("migration");
        await using var context = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connectionString).Options);

        _ = context.Model;
        var design = new ServiceCollection().AddEntityFrameworkDesignTimeServices().AddDbContextDesignTimeServices(context);
        new NpgsqlDesignTimeServices().ConfigureDesignTimeServices(design);
        using var designServices = design.BuildServiceProvider();
        var scaffolded = designServices.GetRequiredService<IMigrationsScaffolder>().ScaffoldMigration("AddSessions", "App", "Migrations", "C#");

        Assert.Contains("name: \"sessions\"", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("name: \"api_keys\"", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("schema: \"auth\"", scaffolded.MigrationCode, StringComparison.Ordinal);
        // The model version is in the app's snapshot, so a package upgrade that changed the model would show in its next migration.
        Assert.Contains("\"AspNetSessions:ModelVersion\", 2", scaffolded.SnapshotCode, StringComparison.Ordinal);
        Assert.Contains("authenticated_at = table.Column<DateTime>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("authentication_items = table.Column<string>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("name = table.Column<string>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("scopes = table.Column<string>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("device_key = table.Column<string>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("device_challenge = table.Column<string>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("previous_digest = table.Column<byte[]>(", scaffolded.MigrationCode, StringComparison.Ordinal);
        Assert.Contains("previous_digest_accepted_until = table.Column<DateTime>(", scaffolded.MigrationCode, StringComparison.Ordinal);

        var migration = Compile(scaffolded.MigrationCode, scaffolded.MetadataCode);
        migration.ActiveProvider = context.Database.ProviderName!;
        var commands = context.GetService<IMigrationsSqlGenerator>().Generate(migration.UpOperations, context.GetService<IDesignTimeModel>().Model);
        await context.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, context.GetService<IRelationalConnection>());

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<AppDbContext>(db => db.UseNpgsql(connectionString));
        services.AddSessionAuth(_ => { }).AddKind("ApiKey", o => { o.TokenPrefix = "key"; o.TokenSources = [SessionTokenSource.Bearer]; }).AddEntityFrameworkCoreStore<AppDbContext>();
        await using var provider = services.BuildServiceProvider();
        var sessions = provider.GetRequiredService<ISessionManager>();
        var created = await sessions.CreateAsync(new SessionCreateRequest { UserId = "dan", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t9" } });
        var key = await provider.GetRequiredKeyedService<ISessionManager>("ApiKey").CreateAsync(new SessionCreateRequest { UserId = "dan", Name = "ci", Scopes = ["orders:read"] });

        Assert.Equal(created.Session.Id, (await sessions.AuthenticateAsync(created.Token))?.Id);
        Assert.Single(await sessions.ListAsync(new SessionFilter { UserId = "dan", Metadata = new Dictionary<string, string> { ["tenant_id"] = "t9" } }));
        Assert.Equal(["1"], await PostgresServer.QueryTextAsync(connectionString, $"SELECT count(*) FROM auth.api_keys WHERE id = '{key.Session.Id}'"));
        Assert.Equal(["ci|[\"orders:read\"]"], await PostgresServer.QueryTextAsync(connectionString, $"SELECT name || '|' || scopes FROM auth.api_keys WHERE id = '{key.Session.Id}'"));
        Assert.True(await sessions.RevokeAsync(created.Session.Id));
        Assert.Null(await sessions.AuthenticateAsync(created.Token));
    }

    private static Migration Compile(params string[] sources)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("App.Migrations." + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s)), references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(image.ToArray());
        return (Migration)Activator.CreateInstance(assembly.GetTypes().Single(t => t.IsSubclassOf(typeof(Migration))))!;
    }
}
