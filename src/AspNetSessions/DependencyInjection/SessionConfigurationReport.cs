using Microsoft.Extensions.Configuration;

namespace AspNetSessions;

/// <summary>
/// The result of <see cref="SessionConfigurationCheck"/> for the app's <c>SessionAuth</c> section, computed once.
/// While it has errors nothing binds the section (so no binder exception repeats them) and the app-wide options
/// validation reports them all, once, when the app starts.
/// </summary>
internal sealed class SessionConfigurationReport(IConfiguration? section, IEnumerable<SessionConfigurationSection> packageSections)
{
    private readonly Lazy<IReadOnlyList<string>> _errors = new(() => section is null
        ? []
        : SessionConfigurationCheck.Check(section, section is IConfigurationSection s ? s.Path : string.Empty, packageSections));

    /// <summary>Every problem found, one line each; empty when the section is sound or there is none.</summary>
    public IReadOnlyList<string> Errors => _errors.Value;

    public bool IsValid => Errors.Count == 0;
}
