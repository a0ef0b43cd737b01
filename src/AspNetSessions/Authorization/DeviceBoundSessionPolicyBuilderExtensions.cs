using AspNetSessions;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Device-bound sessions (DBSC) on authorization policies.</summary>
public static class DeviceBoundSessionPolicyBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated user whose session is bound to a device key (<see cref="DeviceBoundSessionRequirement"/>);
    /// an unbound session gets 403.
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    public static AuthorizationPolicyBuilder RequireDeviceBoundSession(this AuthorizationPolicyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(DeviceBoundSessionRequirement.Instance);
    }
}
