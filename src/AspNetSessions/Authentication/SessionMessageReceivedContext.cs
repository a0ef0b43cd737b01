using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>The context of <see cref="SessionAuthenticationEvents.OnMessageReceived"/>.</summary>
/// <param name="context">The request.</param>
/// <param name="scheme">The scheme.</param>
/// <param name="options">The scheme's options.</param>
public sealed class SessionMessageReceivedContext(HttpContext context, AuthenticationScheme scheme, SessionAuthenticationOptions options)
    : ResultContext<SessionAuthenticationOptions>(context, scheme, options)
{
    /// <summary>The token to use instead of reading the bearer header and cookie; <see langword="null"/> to read them.</summary>
    public string? Token { get; set; }
}
