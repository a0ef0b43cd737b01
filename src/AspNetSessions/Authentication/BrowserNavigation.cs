using Microsoft.AspNetCore.Authentication;
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
        if (request.Headers.Authorization.Count > 0 || IsXhr(request))
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

    /// <summary>Script's request (<c>X-Requested-With: XMLHttpRequest</c>, as a header or, as cookie authentication also reads it, in the query).</summary>
    public static bool IsXhr(HttpRequest request) =>
        string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.OrdinalIgnoreCase)
        || (request.QueryString.HasValue && string.Equals(request.Query["X-Requested-With"], "XMLHttpRequest", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Sends a navigation to <paramref name="target"/> (302) and answers <see langword="true"/>; gives an XHR the same URL
    /// in <c>Location</c> beside the 401/403 its caller sets (cookie authentication's answer, read by SPA code) and answers
    /// <see langword="false"/>, as it does when <paramref name="target"/> is empty or the request is an API call.
    /// </summary>
    public static bool Redirect(HttpRequest request, PathString target, string returnUrlParameter, string? redirectUri)
    {
        if (!target.HasValue)
        {
            return false;
        }

        if (Is(request))
        {
            request.HttpContext.Response.Redirect(RedirectTo(request, target, returnUrlParameter, redirectUri));
            return true;
        }

        if (IsXhr(request))
        {
            request.HttpContext.Response.Headers.Location = RedirectTo(request, target, returnUrlParameter, redirectUri);
        }

        return false;
    }

    /// <summary>
    /// <paramref name="path"/> with the page to come back to (the challenge's redirect URI, else the request's own path and
    /// query), both under the app's original <c>PathBase</c>: inside an <c>app.Map</c> branch the login page is the app's.
    /// </summary>
    public static string RedirectTo(HttpRequest request, PathString path, string returnUrlParameter, string? redirectUri)
    {
        var (pathBase, requestPath) = Original(request);
        var returnUrl = string.IsNullOrEmpty(redirectUri)
            ? pathBase + requestPath + request.QueryString
            : redirectUri;
        return pathBase + path + QueryString.Create(returnUrlParameter, returnUrl);
    }

    /// <summary>The path the request had when authentication saw it (before any <c>app.Map</c> moved it into <c>PathBase</c>).</summary>
    public static (PathString PathBase, PathString Path) Original(HttpRequest request) =>
        request.HttpContext.Features.Get<IAuthenticationFeature>() is { } feature
            ? (feature.OriginalPathBase, feature.OriginalPath)
            : (request.PathBase, request.Path);
}
