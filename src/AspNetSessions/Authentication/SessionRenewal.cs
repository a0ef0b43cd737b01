namespace AspNetSessions;

/// <summary>
/// What <see cref="SessionValidateContext.ShouldRenew"/> keeps, as cookie authentication's renewal re-issues its ticket:
/// the principal's claims (replaced or changed in place) and the properties' items, written only when they differ from
/// the stored ones, and a fresh expiry (now + <c>IdleTimeout</c>, never past the absolute one).
/// </summary>
internal static class SessionRenewal
{
    /// <summary>The renewed session, or <see langword="null"/> when it ended meanwhile.</summary>
    public static async Task<Session?> ApplyAsync(SessionManager manager, Session session, SessionValidateContext validated, CancellationToken cancellationToken)
    {
        var claims = SessionPrincipal.StoredClaims(validated.Principal!, session.UserId);
        var items = SessionAuthenticationItems.Select(validated.Properties) ?? [];
        var update = new SessionUpdate
        {
            Claims = claims.SequenceEqual(session.Claims) ? null : claims,
            AuthenticationItems = SameItems(items, session.AuthenticationItems) ? null : items,
        };

        if (update.Claims is not null || update.AuthenticationItems is not null)
        {
            if (await manager.UpdateAsync(session.Id, update, cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }
        }

        return await manager.RefreshAsync(session.Id, cancellationToken).ConfigureAwait(false);
    }

    private static bool SameItems(Dictionary<string, string> items, IReadOnlyDictionary<string, string> stored)
    {
        if (items.Count != stored.Count)
        {
            return false;
        }

        foreach (var (key, value) in items)
        {
            if (!stored.TryGetValue(key, out var kept) || kept != value)
            {
                return false;
            }
        }

        return true;
    }
}
