using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// The context of <see cref="SessionAuthenticationEvents.OnValidateSession"/>, as cookie authentication's
/// <c>CookieValidatePrincipalContext</c>: <see cref="ResultContext{TOptions}.Properties"/> carries the session's
/// <c>IssuedUtc</c> (its creation), <c>ExpiresUtc</c>, <c>IsPersistent</c> and stored items; reject the principal (and
/// sign out, which revokes the session), replace it for this request, or set <see cref="ShouldRenew"/> to keep the
/// principal's claims and the items as they are now and give the session a fresh expiry.
/// </summary>
public sealed class SessionValidateContext : ResultContext<SessionAuthenticationOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="session">The session found for the request.</param>
    /// <param name="principal">The principal built from it.</param>
    public SessionValidateContext(HttpContext context, AuthenticationScheme scheme, SessionAuthenticationOptions options, Session session, ClaimsPrincipal principal)
        : base(context, scheme, options)
    {
        Session = session;
        Principal = principal;
    }

    /// <summary>The session found for the request (already slid).</summary>
    public Session Session { get; }

    /// <summary>
    /// Store the principal's claims and the properties' items as they are when the event returns, and move the session's
    /// expiry to now + <c>IdleTimeout</c> (never past its absolute expiry); a persistent cookie is written again.
    /// Without it, a replaced principal or changed items last for this request only.
    /// </summary>
    public bool ShouldRenew { get; set; }

    /// <summary>Replaces the principal of this request (and, with <see cref="ShouldRenew"/>, the session's stored claims).</summary>
    /// <param name="principal">The new principal.</param>
    public void ReplacePrincipal(ClaimsPrincipal principal) => Principal = principal;

    /// <summary>Rejects the principal: the request is not authenticated (the session stays unless you also sign out).</summary>
    public void RejectPrincipal() => Principal = null;
}
