namespace AspNetSessions;

/// <summary>
/// The one rule for a return URL taken from a request (a <c>?ReturnUrl=</c> query or a sign-in form's field): the
/// handler follows one on the login path only when it passes, and an app's own sign-in endpoint should check it
/// before signing in, so that a hostile value never leaves a session created behind an error.
/// </summary>
public static class SessionReturnUrl
{
    /// <summary>
    /// Whether <paramref name="url"/> is a path on this host (<c>/…</c>, not <c>//host</c> or <c>/\host</c>) in printable
    /// ASCII, as the return URLs the challenge writes are (percent-encoded): CR/LF or NUL would break the header, a bidi
    /// override would disguise where the link goes, and a raw non-ASCII character is refused by Kestrel in a response header.
    /// </summary>
    /// <param name="url">The URL as the request carried it.</param>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || (url.Length > 1 && url[1] is '/' or '\\'))
        {
            return false;
        }

        foreach (var c in url)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
