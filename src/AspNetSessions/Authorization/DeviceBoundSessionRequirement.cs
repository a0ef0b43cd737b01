using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// The request must be authenticated by a device-bound session (<see cref="SessionBinding.DeviceBound"/>, DBSC): the
/// principal's <see cref="SessionClaimTypes.Binding"/> claim, which session schemes set from <see cref="Session.Binding"/>.
/// An unbound session (a browser without DBSC, or before its registration) is refused with 403.
/// </summary>
public sealed class DeviceBoundSessionRequirement : IAuthorizationRequirement
{
    /// <summary>The one instance (the requirement has no parameters).</summary>
    public static DeviceBoundSessionRequirement Instance { get; } = new();

    private DeviceBoundSessionRequirement()
    {
    }
}
