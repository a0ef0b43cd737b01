using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Turns a 403 into a challenge when the only requirements an authenticated user missed are freshness requirements:
/// RFC 9470 answers a stale authentication with 401 and <c>insufficient_user_authentication</c>, because signing in again
/// fixes it (a 403 says nothing will). The challenge goes to the policy's schemes (or the default one) carrying the max
/// age; session schemes answer it with the RFC 9470 header or a <c>LoginPath</c> redirect. Everything else is left to
/// the handler it wraps (ASP.NET Core's default one).
/// </summary>
internal sealed class RecentAuthenticationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && WantedMaxAge(authorizeResult.AuthorizationFailure) is { } maxAge)
        {
            var properties = RecentAuthentication.ChallengeProperties(maxAge);
            if (policy.AuthenticationSchemes.Count > 0)
            {
                foreach (var scheme in policy.AuthenticationSchemes)
                {
                    await context.ChallengeAsync(scheme, properties).ConfigureAwait(false);
                }
            }
            else
            {
                await context.ChallengeAsync(properties).ConfigureAwait(false);
            }

            return;
        }

        await _inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }

    /// <summary>The strictest max age, when every missed requirement is a freshness one (and no handler called Fail).</summary>
    private static TimeSpan? WantedMaxAge(AuthorizationFailure? failure)
    {
        if (failure is null || failure.FailCalled)
        {
            return null;
        }

        TimeSpan? strictest = null;
        foreach (var requirement in failure.FailedRequirements)
        {
            if (requirement is not RecentAuthenticationRequirement recent)
            {
                return null;
            }

            strictest = strictest is { } s && s <= recent.MaxAge ? s : recent.MaxAge;
        }

        return strictest;
    }
}
