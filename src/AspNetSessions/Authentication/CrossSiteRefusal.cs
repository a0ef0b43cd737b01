using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// The one answer to a refused cross-site request, whichever check refused it (a cookie-authenticated unsafe request,
/// <see cref="CrossSiteRequest.IsUnsafe(HttpRequest)"/>; a cookie sign-in or sign-out, <see cref="CrossSiteRequest.RefusesSignIn"/>):
/// 403 with a problem-details body naming the rule (through the app's <see cref="IProblemDetailsService"/> when it has one).
/// </summary>
internal static class CrossSiteRefusal
{
    public const string Title = "Cross-site request refused.";

    public const string Detail = "A cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE, a sign-in or a sign-out) came from "
        + "another site's page (Sec-Fetch-Site or Origin). Send it from this site's own pages, or authenticate with a bearer token.";

    public static Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        NoCacheHeaders.Apply(context.Response);
        return Results.Problem(detail: Detail, statusCode: StatusCodes.Status403Forbidden, title: Title).ExecuteAsync(context);
    }
}
