using System.Security.Cryptography;
using AspNetSessions;

namespace WebApp;

/// <summary>
/// Gives each browser a stable random id in the cookie the library records as the session's device id
/// (<see cref="SessionRequestMetadata.DeviceCookieName"/>), set on the sign-in page when the browser has none: two
/// browsers with the same user agent are then two devices for <see cref="SessionCreatedContext.IsNewDevice"/>. It carries
/// no secret and authenticates nothing.
/// </summary>
internal static class DeviceCookie
{
    public static IApplicationBuilder UseDeviceCookie(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/"
            && !context.Request.Cookies.ContainsKey(SessionRequestMetadata.DeviceCookieName))
        {
            context.Response.Cookies.Append(SessionRequestMetadata.DeviceCookieName, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), new CookieOptions
            {
                HttpOnly = true,
                Secure = true,
                SameSite = SameSiteMode.Lax,
                Path = "/",
                MaxAge = TimeSpan.FromDays(400), // the most browsers keep a cookie
                IsEssential = true,
            });
        }

        return next(context);
    });
}
