using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// The one way a failed session requirement becomes the answer it calls for: its handler records the failure as this
/// request feature, the authorization middleware forbids through the policy's schemes as usual, and the session
/// scheme's forbid answers from it (<see cref="SessionChallenge"/>). Nothing of ASP.NET Core's pipeline is replaced (no
/// custom <c>IAuthorizationMiddlewareResultHandler</c>, which an app's own would silently displace).
/// <list type="bullet">
/// <item>Missing scopes (<see cref="SessionScopeRequirement"/>): 403 with RFC 6750 §3.1's <c>insufficient_scope</c>.</item>
/// <item>A stale authentication (<see cref="RecentAuthenticationRequirement"/>), when it is all that failed: the RFC 9470
/// challenge, because signing in again fixes it (a 403 says nothing will).</item>
/// </list>
/// </summary>
internal sealed class SessionAuthorizationFailure
{
    private IReadOnlyList<string> _scopes = [];
    private AuthorizationHandlerContext? _stale;

    /// <summary>The failure recorded for <paramref name="context"/>, if any.</summary>
    public static SessionAuthorizationFailure? Of(HttpContext context) => context.Features.Get<SessionAuthorizationFailure>();

    /// <summary>Records scopes a requirement wanted (added to those of earlier failures of the request).</summary>
    public static void MissingScopes(AuthorizationHandlerContext authorization, IReadOnlyList<string> scopes)
    {
        if (For(authorization) is { } failure)
        {
            failure._scopes = [.. failure._scopes.Union(scopes, StringComparer.Ordinal)];
        }
    }

    /// <summary>Records an authorization in which a freshness requirement was not met.</summary>
    public static void Stale(AuthorizationHandlerContext authorization)
    {
        if (For(authorization) is { } failure)
        {
            failure._stale = authorization;
        }
    }

    /// <summary>The RFC 6750 §3.1 challenge; scopes never hold '"' or '\', so they need no escaping.</summary>
    public string? ScopeChallenge => _scopes.Count == 0 ? null : $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', _scopes)}\"";

    /// <summary>
    /// The strictest max age of the stale authorization, when the only requirements it missed are freshness ones and
    /// none called <c>Fail()</c>; otherwise <see langword="null"/> (a plain forbid).
    /// </summary>
    public TimeSpan? WantedMaxAge()
    {
        if (_stale is not { HasFailed: false } authorization)
        {
            return null;
        }

        TimeSpan? strictest = null;
        foreach (var requirement in authorization.PendingRequirements)
        {
            if (requirement is not RecentAuthenticationRequirement recent)
            {
                return null;
            }

            strictest = strictest is { } s && s <= recent.MaxAge ? s : recent.MaxAge;
        }

        return strictest;
    }

    private static SessionAuthorizationFailure? For(AuthorizationHandlerContext authorization)
    {
        if (authorization.Resource is not HttpContext http)
        {
            return null;
        }

        if (Of(http) is not { } failure)
        {
            failure = new SessionAuthorizationFailure();
            http.Features.Set(failure);
        }

        return failure;
    }
}
