using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// The headers of a response that carries a token or sets or clears the session cookie, as cookie authentication
/// sends them: no cache (browser, proxy or CDN) may keep it, so a shared cache never hands one user's sign-in to another.
/// </summary>
internal static class NoCacheHeaders
{
    public static void Apply(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
    }
}
