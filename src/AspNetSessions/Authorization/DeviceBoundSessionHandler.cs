using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>Succeeds <see cref="DeviceBoundSessionRequirement"/> when the principal's session is device-bound.</summary>
internal sealed class DeviceBoundSessionHandler : SynchronousRequirementHandler<DeviceBoundSessionRequirement>
{
    protected override void Handle(AuthorizationHandlerContext context, DeviceBoundSessionRequirement requirement)
    {
        if (context.User.HasClaim(SessionClaimTypes.Binding, nameof(SessionBinding.DeviceBound)))
        {
            context.Succeed(requirement);
        }
    }
}
