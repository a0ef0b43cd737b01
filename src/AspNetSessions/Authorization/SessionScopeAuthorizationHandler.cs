using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// Evaluates <see cref="SessionScopeRequirement"/>. On failure it records the scopes that were required
/// (<see cref="SessionAuthorizationFailure"/>), where the session scheme's forbid finds them for its challenge.
/// </summary>
internal sealed class SessionScopeAuthorizationHandler : SynchronousRequirementHandler<SessionScopeRequirement>
{
    protected override void Handle(AuthorizationHandlerContext context, SessionScopeRequirement requirement)
    {
        if (SessionScopes.Allows(context.User, requirement.Scopes))
        {
            context.Succeed(requirement);
            return;
        }

        SessionAuthorizationFailure.MissingScopes(context, requirement.Scopes);
        context.Fail(new AuthorizationFailureReason(this, $"The session lacks the scope(s) {string.Join(' ', requirement.Scopes)}."));
    }
}
