using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>The context of <see cref="SessionAuthenticationEvents.OnValidateSession"/>.</summary>
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
}
