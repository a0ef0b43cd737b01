using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions;

/// <summary>Session operations on the current request, beside <c>SignInAsync</c> and <c>SignOutAsync</c>.</summary>
public static class SessionHttpContextExtensions
{
    /// <summary>
    /// Gives the caller's own session a new token, as OWASP advises on every privilege change (a password change, a
    /// step-up): the session keeps its id, claims, history and expiry; the token the request came with stops working the
    /// moment this returns. When the request was authenticated by the session cookie, the response carries the new token
    /// in that cookie; a bearer client must take it from the returned <see cref="CreatedSession.Token"/>. The response is
    /// marked <c>no-cache, no-store</c>.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <param name="scheme">The session scheme; <see langword="null"/> for <see cref="SessionAuthenticationDefaults.AuthenticationScheme"/>.</param>
    /// <returns>The session and its new token (shown once), or <see langword="null"/> when the request has no valid session of that scheme.</returns>
    /// <exception cref="InvalidOperationException">The scheme is not a session scheme.</exception>
    /// <exception cref="SessionStoreUnavailableException">The store cannot be reached (the app answers 503).</exception>
    public static async Task<CreatedSession?> RotateSessionAsync(this HttpContext context, string? scheme = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        scheme ??= SessionAuthenticationDefaults.AuthenticationScheme;
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();

        // The request's own handler instance: it knows whether the token came from the cookie.
        var handler = await handlers.GetHandlerAsync(context, scheme).ConfigureAwait(false) as SessionAuthenticationHandler
            ?? throw new InvalidOperationException($"'{scheme}' is not a session authentication scheme.");
        return await handler.RotateAsync().ConfigureAwait(false);
    }
}
