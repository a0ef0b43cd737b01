using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace AspNetSessions;

/// <summary>
/// The step-up rules in one place: the <c>auth_time</c> claim (its encoding), the max-age decision, how a failed
/// requirement's max age travels from authorization to the challenge, and the RFC 9470 challenge itself.
/// </summary>
internal static class RecentAuthentication
{
    /// <summary>The challenge parameter (<see cref="AuthenticationProperties.Parameters"/>) carrying the wanted max age.</summary>
    public const string MaxAgeParameter = "max_age";

    /// <summary>The query parameter added to the <c>LoginPath</c> redirect: the max age, in seconds, re-authentication must meet.</summary>
    public const string MaxAgeQueryParameter = "max_age";

    /// <summary>The claim value of an authentication instant: Unix seconds (as OpenID Connect's <c>auth_time</c>).</summary>
    public static string ClaimValue(DateTimeOffset authenticatedAt) =>
        authenticatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The authentication instant of a principal's identity that has an <c>auth_time</c> claim; the latest one.</summary>
    public static DateTimeOffset? AuthenticatedAt(ClaimsPrincipal user)
    {
        DateTimeOffset? latest = null;
        foreach (var claim in user.FindAll(SessionClaimTypes.AuthenticationTime))
        {
            if (long.TryParse(claim.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                && DateTimeOffset.FromUnixTimeSeconds(seconds) is var at && (latest is null || at > latest))
            {
                latest = at;
            }
        }

        return latest;
    }

    /// <summary>
    /// The max-age decision: fresh while no more than <paramref name="maxAge"/> has passed since the authentication, in
    /// whole seconds as <c>auth_time</c> and <c>max_age</c> count them (both instants truncated to the second).
    /// </summary>
    public static bool IsFresh(DateTimeOffset? authenticatedAt, DateTimeOffset now, TimeSpan maxAge) =>
        authenticatedAt is { } at && now.ToUnixTimeSeconds() - at.ToUnixTimeSeconds() <= Seconds(maxAge);

    /// <summary>The max age in whole seconds, as RFC 9470's <c>max_age</c> says it.</summary>
    public static long Seconds(TimeSpan maxAge) => (long)maxAge.TotalSeconds;

    /// <summary>Challenge properties that ask for an authentication within <paramref name="maxAge"/>.</summary>
    public static AuthenticationProperties ChallengeProperties(TimeSpan maxAge)
    {
        var properties = new AuthenticationProperties();
        properties.SetParameter(MaxAgeParameter, maxAge);
        return properties;
    }

    /// <summary>The max age a challenge asks for, if it came from a failed freshness requirement.</summary>
    public static TimeSpan? WantedMaxAge(AuthenticationProperties properties) => properties.GetParameter<TimeSpan?>(MaxAgeParameter);

    /// <summary>RFC 9470 §3: the <c>WWW-Authenticate</c> value asking for a more recent authentication.</summary>
    public static string Challenge(TimeSpan maxAge) => string.Create(CultureInfo.InvariantCulture,
        $"Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent authentication is required\", max_age={Seconds(maxAge)}");
}
