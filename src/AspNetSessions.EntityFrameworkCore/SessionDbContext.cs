using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The dedicated, pooled context of <c>AddEntityFrameworkCoreStore(db => db.UseNpgsql(...))</c>, for apps whose sessions
/// do not live in a context of their own. It holds only the session tables; its migrations are generated like any
/// context's (<c>dotnet ef migrations add AddSessions --context SessionDbContext</c>).
/// </summary>
public sealed class SessionDbContext : DbContext
{
    private readonly Action<SessionModelOptions>? _configureModel;

    /// <summary>Creates the context (EF Core's pool does this).</summary>
    /// <param name="options">The context options, with the model options the store wiring put in.</param>
    public SessionDbContext(DbContextOptions<SessionDbContext> options)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configureModel = options.FindExtension<SessionModelOptionsExtension>()?.ConfigureModel;
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddSessions(_configureModel);

    /// <summary>Adds the model options to a context's options (the model is cached per set of options).</summary>
    internal static void UseModel(DbContextOptionsBuilder builder, Action<SessionModelOptions>? configureModel) =>
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new SessionModelOptionsExtension(configureModel));
}
