using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Carries <see cref="SessionModelOptions"/> to <see cref="SessionDbContext"/> through its options (a pooled context takes
/// nothing else). It is part of the internal service provider's identity, so two configurations never share a cached model.
/// </summary>
internal sealed class SessionModelOptionsExtension(Action<SessionModelOptions>? configureModel) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public Action<SessionModelOptions>? ConfigureModel { get; } = configureModel;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(SessionModelOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private Action<SessionModelOptions>? Configure => ((SessionModelOptionsExtension)Extension).ConfigureModel;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "AspNetSessions ";

        public override int GetServiceProviderHashCode() => Configure is null ? 0 : RuntimeHelpers.GetHashCode(Configure);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo info && ReferenceEquals(Configure, info.Configure);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["AspNetSessions:Model"] = GetServiceProviderHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
