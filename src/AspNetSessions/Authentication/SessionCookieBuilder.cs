using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// The session cookie's builder: without a configured <c>Path</c>, the cookie's path is the app's original
/// <c>PathBase</c> (an app in a virtual directory), as cookie authentication's is; a <c>__Host-</c> cookie always gets
/// <c>/</c>, the only path browsers accept for it.
/// </summary>
internal sealed class SessionCookieBuilder : RequestPathBaseCookieBuilder
{
    private const string HostPrefix = "__Host-";

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        var options = base.Build(context, expiresFrom);
        if (Path is null && Name?.StartsWith(HostPrefix, StringComparison.Ordinal) == true)
        {
            options.Path = "/";
        }

        return options;
    }
}
