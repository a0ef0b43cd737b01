using System.Globalization;
using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// The attribute form of <see cref="RecentAuthenticationRequirement"/>: <c>[RequireRecentAuthentication("00:05:00")]</c> on
/// a controller, action or endpoint. It adds only the freshness requirement; combine it with <c>[Authorize]</c> to pick
/// schemes or other policies.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireRecentAuthenticationAttribute : Attribute, IAuthorizationRequirementData
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="maxAge">The longest time since the user last authenticated, as <c>hh:mm:ss</c>, e.g. <c>00:05:00</c>.</param>
    public RequireRecentAuthenticationAttribute(string maxAge)
    {
        ArgumentException.ThrowIfNullOrEmpty(maxAge);
        // hh:mm:ss only: a bare number would read as days.
        if (!maxAge.Contains(':', StringComparison.Ordinal) || !TimeSpan.TryParseExact(maxAge, "c", CultureInfo.InvariantCulture, out var parsed))
        {
            throw new FormatException($"The max age of [RequireRecentAuthentication] must be a duration such as '00:05:00'; got '{maxAge}'.");
        }

        MaxAge = parsed;
    }

    /// <summary>The longest time since the user last authenticated.</summary>
    public TimeSpan MaxAge { get; }

    /// <inheritdoc />
    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new RecentAuthenticationRequirement(MaxAge)];
}
