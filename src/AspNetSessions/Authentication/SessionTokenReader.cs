using Microsoft.Extensions.Primitives;

namespace AspNetSessions;

/// <summary>
/// Reads a session token from a request's <c>Authorization: Bearer</c> header (RFC 6750 §2.1) or its session cookie,
/// in the configured order; the first source that has one decides. Pure: headers in, token out, nothing allocated.
/// </summary>
internal static class SessionTokenReader
{
    private const string BearerScheme = "Bearer";

    /// <summary>Looks through <paramref name="sources"/> in order.</summary>
    /// <param name="authorization">The request's <c>Authorization</c> header values.</param>
    /// <param name="cookies">The request's <c>Cookie</c> header values.</param>
    /// <param name="sources">Where to look, in order.</param>
    /// <param name="cookieName">The session cookie's name (used when <see cref="SessionTokenSource.Cookie"/> is a source).</param>
    /// <param name="token">The token, when found.</param>
    /// <param name="source">Where it was found.</param>
    public static SessionTokenRead Read(
        StringValues authorization,
        StringValues cookies,
        SessionTokenSource[] sources,
        string cookieName,
        out ReadOnlyMemory<char> token,
        out SessionTokenSource source)
    {
        foreach (var candidate in sources)
        {
            source = candidate;
            if (candidate == SessionTokenSource.Bearer)
            {
                if (authorization.Count == 0)
                {
                    continue;
                }

                if (authorization.Count > 1)
                {
                    token = default;
                    return SessionTokenRead.Invalid; // RFC 6750 §2: one method, once
                }

                var read = ReadBearer(authorization[0], out token);
                if (read != SessionTokenRead.None)
                {
                    return read;
                }
            }
            else if (ReadCookie(cookies, cookieName) is { IsEmpty: false } cookie)
            {
                token = cookie;
                return SessionTokenRead.Found;
            }
        }

        token = default;
        source = default;
        return SessionTokenRead.None;
    }

    /// <summary><c>Bearer</c> (any case) then one or more spaces then the token (RFC 6750 §2.1, RFC 9110 §11.1).</summary>
    public static SessionTokenRead ReadBearer(string? header, out ReadOnlyMemory<char> token)
    {
        token = default;
        if (header is null || !header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return SessionTokenRead.None;
        }

        if (header.Length == BearerScheme.Length)
        {
            return SessionTokenRead.Invalid;
        }

        if (header[BearerScheme.Length] != ' ')
        {
            return SessionTokenRead.None; // e.g. "BearerX": some other scheme
        }

        token = header.AsMemory(BearerScheme.Length).Trim(' ');
        return token.IsEmpty ? SessionTokenRead.Invalid : SessionTokenRead.Found;
    }

    /// <summary>
    /// The named cookie's value exactly as sent (the first one, if repeated), read from the raw <c>Cookie</c> headers.
    /// Unlike <c>Request.Cookies</c> it does not percent-decode, so a token has one spelling here too, and it allocates nothing.
    /// </summary>
    public static ReadOnlyMemory<char> ReadCookie(StringValues cookies, string name)
    {
        foreach (var header in cookies)
        {
            var rest = header.AsMemory();
            while (!rest.IsEmpty)
            {
                var end = rest.Span.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim(' ');
                rest = end < 0 ? default : rest[(end + 1)..];
                if (pair.Length > name.Length && pair.Span[name.Length] == '=' && pair.Span.StartsWith(name, StringComparison.Ordinal))
                {
                    return pair[(name.Length + 1)..];
                }
            }
        }

        return default;
    }
}
