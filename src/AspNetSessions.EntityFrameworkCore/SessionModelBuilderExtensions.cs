using AspNetSessions.EntityFrameworkCore;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds the session tables to an app's EF Core model.</summary>
public static class SessionModelBuilderExtensions
{
    /// <summary>
    /// Adds the session tables (call it from <c>OnModelCreating</c>): the default table <c>Sessions</c> and one per kind
    /// mapped with <see cref="SessionModelOptions.MapKind"/>. The tables then belong to the app's migrations
    /// (<c>dotnet ef migrations add AddSessions</c>).
    /// </summary>
    /// <param name="modelBuilder">The app's model builder.</param>
    /// <param name="configure">Configures tables, schema, model version and promoted metadata, or <see langword="null"/> for the defaults.</param>
    public static ModelBuilder AddSessions(this ModelBuilder modelBuilder, Action<SessionModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        var options = new SessionModelOptions();
        configure?.Invoke(options);
        SessionModel.Build(modelBuilder, options);
        return modelBuilder;
    }
}
