using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Writing and clearing the session cookie, and the one rule for its <c>Expires</c>: a non-persistent sign-in is a
/// browser-session cookie; a persistent one lasts until the session's absolute expiry or, when the kind has none, its
/// current (sliding) expiry, which is why such a cookie is written again whenever the session slides.
/// </summary>
internal static class SessionCookie
{
    public static void Append(HttpContext context, SessionAuthenticationOptions options, string token, Session session, bool persistent)
    {
        var cookie = options.Cookie.Build(context);
        if (persistent)
        {
            cookie.Expires = session.AbsoluteExpiresAt ?? (session.ExpiresAt == DateTimeOffset.MaxValue ? null : session.ExpiresAt);
        }
        else
        {
            cookie.Expires = null;
            cookie.MaxAge = null;
        }

        context.Response.Cookies.Append(options.Cookie.Name!, token, cookie);
        NoCacheHeaders.Apply(context.Response);
    }

    /// <summary>Writes the persistent cookie when the response starts, unless <paramref name="unless"/> says otherwise by then.</summary>
    public static void AppendWhenResponding(HttpContext context, SessionAuthenticationOptions options, string token, Session session, Func<bool> unless)
    {
        if (context.Response.HasStarted)
        {
            return; // authenticated late, mid-response: the cookie keeps its Expires until a later slide writes it
        }

        context.Response.OnStarting(() =>
        {
            if (!unless())
            {
                Append(context, options, token, session, persistent: true);
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Writes a device-bound session's cookie credential: it lives exactly <paramref name="lifetime"/> (the browser refreshes
    /// it when it is gone), whatever the sign-in's persistence.
    /// </summary>
    public static void AppendDeviceCredential(HttpContext context, SessionAuthenticationOptions options, string token, TimeSpan lifetime)
    {
        var cookie = options.Cookie.Build(context);
        cookie.MaxAge = lifetime;
        cookie.Expires = null;
        context.Response.Cookies.Append(options.Cookie.Name!, token, cookie);
        NoCacheHeaders.Apply(context.Response);
    }

    public static void Delete(HttpContext context, SessionAuthenticationOptions options)
    {
        context.Response.Cookies.Delete(options.Cookie.Name!, options.Cookie.Build(context));
        NoCacheHeaders.Apply(context.Response);
    }

    /// <summary>Whether the session was signed in persistently (<c>IsPersistent</c>, stored as <c>.persistent</c>).</summary>
    public static bool IsPersistent(Session session) => session.AuthenticationItems.ContainsKey(SessionAuthenticationItems.PersistentKey);

    /// <summary>
    /// Whether the persistent cookie's <c>Expires</c> is the sliding expiry (no absolute one bounds it), so it must be written
    /// again when the session slides, or the browser drops the cookie of an active user while the server still holds the session.
    /// A device-bound session's cookie never follows: it lives its credential lifetime and is renewed by a DBSC refresh.
    /// </summary>
    public static bool FollowsSlide(Session session) =>
        session.DeviceKey is null && session.AbsoluteExpiresAt is null && session.ExpiresAt != DateTimeOffset.MaxValue && IsPersistent(session);
}
