using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Gives an authenticated session a new token (<see cref="SessionHttpContextExtensions.RotateSessionAsync"/>): the old
/// one is dead when this returns; the response is not cached, and carries the new token in the cookie when the cookie
/// carried the old one.
/// </summary>
internal static class SessionRotation
{
    /// <summary>The rotated session, or <see langword="null"/> when there is no session (or it ended meanwhile).</summary>
    public static async Task<CreatedSession?> RotateAsync(HttpContext context, SessionAuthenticationOptions options, SessionManager manager, string? sessionId, bool cookie)
    {
        if (sessionId is null)
        {
            return null;
        }

        // Not cancelled by a client that goes away: once the store has the new digest, the old token is dead either way.
        var rotated = await manager.RotateAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
        if (rotated is null)
        {
            return null;
        }

        NoCacheHeaders.Apply(context.Response);
        if (cookie)
        {
            SessionCookie.Append(context, options, rotated.Token, rotated.Session, SessionCookie.IsPersistent(rotated.Session));
        }

        return rotated;
    }
}
