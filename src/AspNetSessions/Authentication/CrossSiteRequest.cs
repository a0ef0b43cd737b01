using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AspNetSessions;

/// <summary>
/// The cross-site check for cookie-authenticated requests: an unsafe method that the browser says
/// (<c>Sec-Fetch-Site</c>), or the <c>Origin</c> shows, comes from another site. Pure: request headers in, answer out.
/// The same rule refuses a cookie sign-in or sign-out from another site (login CSRF, forced sign-out).
/// </summary>
internal static class CrossSiteRequest
{
    /// <summary>The item a remote handler (OpenID Connect, OAuth) puts in the properties it signs in with.</summary>
    private const string RemoteSchemeItem = ".AuthScheme";

    /// <summary>
    /// Whether a cookie sign-in or sign-out is an unsafe cross-site request that another site's page could have forged:
    /// one with an <c>Authorization</c> header could not (a page cannot attach one to a form post, and script only
    /// through CORS), nor can a remote handler's callback: an identity provider's <c>form_post</c> comes from its own
    /// site by design, and the handler has already checked it against its correlation cookie and state (it marks the
    /// properties it signs in with, which no request can set).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="properties">The sign-in's or sign-out's properties.</param>
    public static bool RefusesSignIn(HttpRequest request, AuthenticationProperties? properties) =>
        request.Headers.Authorization.Count == 0 && IsUnsafe(request) && properties?.Items.ContainsKey(RemoteSchemeItem) != true;

    /// <summary>
    /// The handler's call: the method is checked before any header is read, so the safe requests almost every
    /// cookie-authenticated request is (GET) pay no header lookups.
    /// </summary>
    /// <param name="request">The request.</param>
    public static bool IsUnsafe(HttpRequest request) =>
        !IsSafeMethod(request.Method)
        && IsUnsafe(request.Method, request.Headers["Sec-Fetch-Site"], request.Headers.Origin, request.Scheme, request.Host.Value);

    /// <summary>Whether a request is an unsafe cross-site one.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="fetchSite">The <c>Sec-Fetch-Site</c> header values.</param>
    /// <param name="origin">The <c>Origin</c> header values.</param>
    /// <param name="scheme">The request's scheme (<c>https</c>).</param>
    /// <param name="host">The request's host (with port, if any).</param>
    public static bool IsUnsafe(string method, StringValues fetchSite, StringValues origin, string scheme, string? host)
    {
        if (IsSafeMethod(method))
        {
            return false;
        }

        if (fetchSite.Count > 0)
        {
            return !(string.Equals(fetchSite[0], "same-origin", StringComparison.OrdinalIgnoreCase)
                || string.Equals(fetchSite[0], "none", StringComparison.OrdinalIgnoreCase));
        }

        if (origin.Count == 0)
        {
            return false; // not a browser, or one that sends neither header: SameSite=Lax still holds
        }

        var expected = scheme + "://" + host;
        return origin.Count > 1 || !string.Equals(origin[0], expected, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSafeMethod(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
