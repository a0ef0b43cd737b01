using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// Step-up freshness (RFC 9470): the user must have proved who they are within <see cref="MaxAge"/> — at sign-in, or by a
/// re-authentication (<see cref="ISessionManager.ReauthenticateAsync"/>). The authentication time is the principal's
/// <c>auth_time</c> claim, which session schemes set from <see cref="Session.AuthenticatedAt"/> (and JWTs of OpenID Connect
/// providers carry). When only this requirement fails, the answer is a challenge, not a 403: 401 with
/// <c>WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age=…</c>, or, for a browser navigation with a
/// <c>LoginPath</c>, a redirect to sign in again.
/// </summary>
public sealed class RecentAuthenticationRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="maxAge">The longest time since the user last authenticated; positive, at least one second.</param>
    public RecentAuthenticationRequirement(TimeSpan maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.FromSeconds(1));
        MaxAge = maxAge;
    }

    /// <summary>The longest time since the user last authenticated.</summary>
    public TimeSpan MaxAge { get; }
}
