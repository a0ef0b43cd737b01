using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// Requires an authenticated caller whose session may act with every one of the given scopes
/// (<see cref="SessionScopeRequirement"/>): <c>[RequireSessionScope("orders:read", AuthenticationSchemes = "ApiKey,Session")]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireSessionScopeAttribute : AuthorizeAttribute, IAuthorizationRequirementData
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="scopes">The scopes required, all of them.</param>
    public RequireSessionScopeAttribute(params string[] scopes)
    {
        Requirement = new SessionScopeRequirement(scopes);
    }

    /// <summary>The scopes required.</summary>
    public IReadOnlyList<string> Scopes => Requirement.Scopes;

    private SessionScopeRequirement Requirement { get; }

    /// <inheritdoc />
    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [Requirement];
}
