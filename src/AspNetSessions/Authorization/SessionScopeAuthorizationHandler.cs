using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Evaluates <see cref="SessionScopeRequirement"/>. On failure it records the scopes that were required as a request
/// feature (<see cref="SessionScopeFailure"/>), where the session scheme's forbid finds them for its challenge: the
/// authorization middleware then forbids through the policy's schemes as usual, so nothing of ASP.NET Core's
/// pipeline is replaced (no custom IAuthorizationMiddlewareResultHandler that an app's own would silently displace).
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

        if (context.Resource is HttpContext http)
        {
            var scopes = http.Features.Get<SessionScopeFailure>()?.Scopes.Union(requirement.Scopes, StringComparer.Ordinal) ?? requirement.Scopes;
            http.Features.Set(new SessionScopeFailure([.. scopes]));
        }

        context.Fail(new AuthorizationFailureReason(this, $"The session lacks the scope(s) {string.Join(' ', requirement.Scopes)}."));
    }
}
