using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Tells a browser navigating to a page (which a redirect to the login page helps) from an API call (which needs its
/// 401/403 and <c>WWW-Authenticate</c>), as ASP.NET Core's cookie handler does, plus the browser's own word for it.
/// </summary>
internal static class BrowserNavigation
{
    /// <summary>
    /// No <c>Authorization</c> header (bearer clients get RFC 6750 challenges), not XHR, and either
    /// <c>Sec-Fetch-Mode: navigate</c> or, from browsers that do not send it, a GET that accepts HTML.
    /// </summary>
    public static bool Is(HttpRequest request)
    {
        if (request.Headers.Authorization.Count > 0
            || string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var mode = request.Headers["Sec-Fetch-Mode"];
        if (mode.Count > 0)
        {
            return string.Equals(mode[0], "navigate", StringComparison.OrdinalIgnoreCase);
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }

        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="path"/> with the page to come back to (the challenge's redirect URI, else the request's own path and query).</summary>
    public static string RedirectTo(HttpRequest request, PathString path, string returnUrlParameter, string? redirectUri)
    {
        var returnUrl = string.IsNullOrEmpty(redirectUri)
            ? request.PathBase + request.Path + request.QueryString
            : redirectUri;
        return request.PathBase + path + QueryString.Create(returnUrlParameter, returnUrl);
    }
}
