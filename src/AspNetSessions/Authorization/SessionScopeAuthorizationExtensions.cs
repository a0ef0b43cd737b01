using AspNetSessions;
using Microsoft.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds <see cref="SessionScopeRequirement"/> to policies and endpoints.</summary>
public static class SessionScopeAuthorizationExtensions
{
    /// <summary>Requires that the caller's session may act with every one of <paramref name="scopes"/> (see <see cref="SessionScopes"/>).</summary>
    /// <param name="policy">The policy builder.</param>
    /// <param name="scopes">The scopes required, all of them.</param>
    public static AuthorizationPolicyBuilder RequireSessionScope(this AuthorizationPolicyBuilder policy, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new SessionScopeRequirement(scopes));
    }

    /// <summary>
    /// Requires an authenticated caller (by <paramref name="builder"/>'s default policy and schemes) whose session may act
    /// with every one of <paramref name="scopes"/>; the same as <see cref="RequireSessionScopeAttribute"/> on the endpoint.
    /// </summary>
    /// <param name="builder">The endpoint (or group) builder.</param>
    /// <param name="scopes">The scopes required, all of them.</param>
    public static TBuilder RequireSessionScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthorization(new RequireSessionScopeAttribute(scopes));
    }
}
