using AspNetSessions;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Step-up freshness on authorization policies.</summary>
public static class RecentAuthenticationPolicyBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated user who proved who they are within <paramref name="maxAge"/> (RFC 9470); see
    /// <see cref="RecentAuthenticationRequirement"/>. A stale session gets a challenge asking for a fresh authentication.
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="maxAge">The longest time since the user last authenticated; at least one second.</param>
    public static AuthorizationPolicyBuilder RequireRecentAuthentication(this AuthorizationPolicyBuilder builder, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(new RecentAuthenticationRequirement(maxAge));
    }
}
