using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Where a browser goes after signing in or out, as cookie authentication sends it: the properties' <c>RedirectUri</c>,
/// else (on the login path only) the local URL in the return-URL parameter. A navigation gets a 302; an XHR keeps its
/// status and gets the URL in <c>Location</c>, for script that reads it. The query string is not trusted: only a local
/// URL is followed from it.
/// </summary>
internal static class SignInRedirect
{
    /// <param name="context">The request.</param>
    /// <param name="redirectUri">The properties' <c>RedirectUri</c> (the app's: trusted).</param>
    /// <param name="returnUrlParameter">The query parameter to honour, or <see langword="null"/> off the login path.</param>
    public static void Apply(HttpContext context, string? redirectUri, string? returnUrlParameter)
    {
        var response = context.Response;
        if (response.StatusCode != StatusCodes.Status200OK)
        {
            return; // the app (or a remote handler) already decided the answer
        }

        if (string.IsNullOrEmpty(redirectUri) && returnUrlParameter is not null
            && context.Request.Query[returnUrlParameter] is { Count: 1 } values && SessionReturnUrl.IsLocal(values[0]))
        {
            redirectUri = values[0];
        }

        if (string.IsNullOrEmpty(redirectUri))
        {
            return;
        }

        if (BrowserNavigation.IsXhr(context.Request))
        {
            response.Headers.Location = redirectUri;
        }
        else
        {
            response.Redirect(redirectUri);
        }
    }
}
