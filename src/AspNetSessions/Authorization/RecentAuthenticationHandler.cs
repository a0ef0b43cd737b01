using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>Succeeds <see cref="RecentAuthenticationRequirement"/> when the user's <c>auth_time</c> is recent enough (clock: <see cref="TimeProvider"/>).</summary>
internal sealed class RecentAuthenticationHandler(TimeProvider time) : SynchronousRequirementHandler<RecentAuthenticationRequirement>
{
    protected override void Handle(AuthorizationHandlerContext context, RecentAuthenticationRequirement requirement)
    {
        // Not Fail(): the requirement stays pending, so the session scheme's forbid sees which requirements are missing
        // and can answer with a challenge for a fresh authentication instead of a 403 (SessionAuthorizationFailure).
        if (RecentAuthentication.IsFresh(RecentAuthentication.AuthenticatedAt(context.User), time.GetUtcNow(), requirement.MaxAge))
        {
            context.Succeed(requirement);
        }
        else
        {
            SessionAuthorizationFailure.Stale(context);
        }
    }
}
