using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AspNetSessions;

/// <summary>
/// What a session scheme answers when asked to challenge or forbid, from what authenticating the request found: the
/// 503 of an outage, the RFC 9470 step-up challenge, the cross-site 403, a <c>LoginPath</c> or <c>AccessDeniedPath</c>
/// redirect for a browser navigation, the RFC 6750 scope 403, else the failure's status and <c>WWW-Authenticate</c>.
/// Several session schemes may answer the same request; the first answer stands.
/// </summary>
internal static class SessionChallenge
{
    public static Task WriteAsync(HttpContext context, SessionAuthenticationOptions options, AuthenticateResult result,
        AuthenticationProperties properties, TimeSpan retryAfter)
    {
        var response = context.Response;
        var reason = SessionFailureReasons.Of(result);
        if (reason == SessionFailureReason.StoreUnavailable)
        {
            StoreUnavailableAnswer.Write(response, retryAfter);
            return Task.CompletedTask;
        }

        if (response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            return Task.CompletedTask; // another session scheme of this request already answered the outage
        }

        // Step-up (RFC 9470): authenticated, but not recently enough for the endpoint's policy.
        if (result.Succeeded && RecentAuthentication.WantedMaxAge(properties) is { } maxAge)
        {
            ChallengeForFreshAuthentication(context, options, properties, maxAge);
            return Task.CompletedTask;
        }

        // A cross-site refusal stays a 403 (with the body naming the rule): the redirect is for navigations that need
        // a session, not for ones refused.
        if (reason == SessionFailureReason.CrossSiteRequest)
        {
            return response.HasStarted ? Task.CompletedTask : CrossSiteRefusal.WriteAsync(context);
        }

        if (response.HasStarted // another session scheme of this request already answered
            || BrowserNavigation.Redirect(context.Request, options.LoginPath, options.ReturnUrlParameter, properties.RedirectUri))
        {
            return Task.CompletedTask;
        }

        var (status, challenge) = SessionFailureReasons.Challenge(reason);
        response.StatusCode = status;
        // One challenge per authentication scheme (RFC 9110 §11.6.1): when several session schemes answer the same
        // request's 401, the first one's Bearer challenge stands rather than one "Bearer" per scheme.
        if (challenge is not null && !response.Headers.WWWAuthenticate.Any(v => v is not null && SameAuthScheme(v, challenge)))
        {
            response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers a forbid for a failed session-scope requirement (RFC 6750 §3.1's 403), or a browser navigation with an
    /// <c>AccessDeniedPath</c> by a redirect; <see langword="false"/> leaves the plain 403 to the caller.
    /// </summary>
    public static bool Forbid(HttpContext context, SessionAuthenticationOptions options, AuthenticationProperties properties)
    {
        if (SessionAuthorizationFailure.Of(context)?.ScopeChallenge is { } scopeChallenge)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            if (!context.Response.Headers.WWWAuthenticate.Any(v => v?.Contains("insufficient_scope", StringComparison.Ordinal) == true))
            {
                context.Response.Headers.Append(HeaderNames.WWWAuthenticate, scopeChallenge);
            }

            return true;
        }

        return BrowserNavigation.Redirect(context.Request, options.AccessDeniedPath, options.ReturnUrlParameter, properties.RedirectUri);
    }

    private static void ChallengeForFreshAuthentication(HttpContext context, SessionAuthenticationOptions options, AuthenticationProperties properties, TimeSpan maxAge)
    {
        if (options.LoginPath.HasValue && BrowserNavigation.Is(context.Request))
        {
            var location = BrowserNavigation.RedirectTo(context.Request, options.LoginPath, options.ReturnUrlParameter, properties.RedirectUri);
            context.Response.Redirect(QueryHelpers.AddQueryString(location, RecentAuthentication.MaxAgeQueryParameter,
                RecentAuthentication.Seconds(maxAge).ToString(CultureInfo.InvariantCulture)));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, RecentAuthentication.Challenge(maxAge));
    }

    private static bool SameAuthScheme(string a, string b)
    {
        var first = a.AsSpan();
        var second = b.AsSpan();
        first = first[..(first.IndexOf(' ') is var i and >= 0 ? i : first.Length)];
        second = second[..(second.IndexOf(' ') is var j and >= 0 ? j : second.Length)];
        return first.Equals(second, StringComparison.OrdinalIgnoreCase);
    }
}
