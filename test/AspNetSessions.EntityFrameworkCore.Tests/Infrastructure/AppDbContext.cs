using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>An app's own context: its users and its sessions in one model, one schema, snake_case names.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<AppUser> Users => Set<AppUser>();

    public static void Sessions(SessionModelOptions o)
    {
        o.Schema = "auth";
        o.MapKind("ApiKey");
        o.PromoteMetadata("tenant_id");
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AppUser>().ToTable("Users", "auth");
        modelBuilder.AddSessions(Sessions);
        SnakeCase.Apply(modelBuilder);
    }
}

public sealed class AppUser
{
    public int Id { get; set; }

    public string UserName { get; set; } = "";
}

/// <summary>What a snake_case naming convention does to a model (as EFCore.NamingConventions would): tables, columns, keys, indexes.</summary>
public static class SnakeCase
{
    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            entity.SetTableName(Of(entity.GetTableName()!));
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(Of(property.GetColumnName()));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(Of(key.GetName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(Of(index.GetDatabaseName()!));
            }
        }
    }

    public static string Of(string name)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_' && !char.IsUpper(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
