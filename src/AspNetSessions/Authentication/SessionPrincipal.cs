using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// A session as a <see cref="ClaimsPrincipal"/> and back: the principal each authenticated request gets, and which of a
/// principal's claims a session stores (at sign-in, and when <c>OnValidateSession</c> renews it). The claims the session
/// itself provides (user id, session id, kind, authentication time, scopes) are never stored, so a stored claim can
/// never fake them.
/// </summary>
internal static class SessionPrincipal
{
    /// <summary>The user id a sign-in's principal names: its <c>NameIdentifier</c> claim, else its name.</summary>
    public static string UserId(ClaimsPrincipal user, string scheme)
    {
        var userId = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name;
        if (string.IsNullOrEmpty(userId))
        {
            throw new InvalidOperationException(
                $"Signing in with the '{scheme}' session scheme needs the user's id, but the principal has neither a ClaimTypes.NameIdentifier claim " +
                $"('{ClaimTypes.NameIdentifier}') nor a name (a ClaimTypes.Name claim, '{ClaimTypes.Name}', or its identity's NameClaimType). Add one to its ClaimsIdentity.");
        }

        return userId;
    }

    /// <summary>The claims a session keeps of a principal (a name equal to the user id is implied, so not stored).</summary>
    public static List<SessionClaim> StoredClaims(ClaimsPrincipal user, string userId)
    {
        var claims = new List<SessionClaim>();
        foreach (var claim in user.Claims)
        {
            if (claim.Type != ClaimTypes.NameIdentifier && !SessionClaimTypes.IsSessionProvided(claim.Type)
                && !(claim.Type == ClaimTypes.Name && claim.Value == userId))
            {
                claims.Add(new SessionClaim(claim.Type, claim.Value));
            }
        }

        return claims;
    }

    /// <summary>
    /// What signing <paramref name="user"/> in creates: its stored claims, the request's metadata when
    /// <paramref name="capture"/> is given, and the identity provider's <c>auth_time</c> (when the user really
    /// authenticated) if it is not in the future, else now.
    /// </summary>
    public static SessionCreateRequest SignInRequest(ClaimsPrincipal user, string userId, AuthenticationProperties? properties, HttpContext? capture, DateTimeOffset now) => new()
    {
        UserId = userId,
        Claims = StoredClaims(user, userId),
        Metadata = capture is null ? null : SessionRequestMetadata.Capture(capture),
        AuthenticatedAt = RecentAuthentication.AuthenticatedAt(user) is { } at && at <= now ? at : null,
        ExpiresAt = properties?.ExpiresUtc,
        AuthenticationItems = SessionAuthenticationItems.Select(properties),
    };

    public static ClaimsPrincipal Create(Session session, string scheme)
    {
        var stored = session.Claims;
        var hasName = false;
        for (var i = 0; i < stored.Count && !hasName; i++)
        {
            hasName = stored[i].Type == ClaimTypes.Name;
        }

        // Each claim is created bound to its identity: ClaimsIdentity copies every claim whose Subject is not itself,
        // which would allocate each claim twice on every request.
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        AddClaim(identity, ClaimTypes.NameIdentifier, session.UserId);
        if (!hasName)
        {
            AddClaim(identity, ClaimTypes.Name, session.UserId);
        }

        AddClaim(identity, SessionClaimTypes.SessionId, session.Id);
        AddClaim(identity, SessionClaimTypes.Kind, session.Kind);
        if (session.AuthenticatedAt >= DateTimeOffset.UnixEpoch)
        {
            AddClaim(identity, SessionClaimTypes.AuthenticationTime, RecentAuthentication.ClaimValue(session.AuthenticatedAt));
        }

        foreach (var claim in stored)
        {
            // The authentication time is the session's own field, never a stored claim that could claim freshness forever;
            // scope claims come from the session's scopes only, so a stored claim never widens or fakes them.
            if (!SessionClaimTypes.IsSessionProvided(claim.Type))
            {
                AddClaim(identity, claim.Type, claim.Value);
            }
        }

        if (session.Scopes is { } scopes)
        {
            AddClaim(identity, SessionClaimTypes.Scoped, "true");
            foreach (var scope in scopes)
            {
                AddClaim(identity, SessionClaimTypes.Scope, scope);
            }
        }

        if (session.DeviceKey is not null)
        {
            AddClaim(identity, SessionClaimTypes.Binding, nameof(SessionBinding.DeviceBound));
        }

        return new ClaimsPrincipal(identity);

        static void AddClaim(ClaimsIdentity identity, string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }
}
