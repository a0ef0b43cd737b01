using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// Requires that the request's session may act with every one of <see cref="Scopes"/>
/// (<see cref="SessionScopes.Allows(System.Security.Claims.ClaimsPrincipal, IReadOnlyList{string})"/>): unrestricted
/// sessions (browser sessions) pass, API keys pass only with those scopes. A failure is answered by the session scheme's
/// forbid as 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="…"</c> (RFC 6750 §3.1).
/// Add it with <c>policy.RequireSessionScope(...)</c>, <c>[RequireSessionScope(...)]</c> or <c>endpoint.RequireSessionScope(...)</c>.
/// </summary>
public sealed class SessionScopeRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="scopes">The scopes required, all of them; at least one, each a valid scope (<see cref="SessionScopes.IsValid"/>).</param>
    public SessionScopeRequirement(params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        string[] list = [.. scopes];
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one scope is required.", nameof(scopes));
        }

        foreach (var scope in list)
        {
            if (!SessionScopes.IsValid(scope))
            {
                throw new ArgumentException($"'{scope}' is not a scope (RFC 6749 §3.3 scope-token).", nameof(scopes));
            }
        }

        Scopes = list;
    }

    /// <summary>The scopes required, all of them.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(SessionScopeRequirement)}: requires the session scopes {string.Join(' ', Scopes)}";
}
