using System.Security.Claims;

namespace AspNetSessions;

/// <summary>
/// The scope rules, in one place. A session is either <em>unrestricted</em> (<see cref="Session.Scopes"/> is
/// <see langword="null"/>) or <em>limited</em> to the scopes it was created with — an empty list grants nothing, it
/// never means "everything". Which of the two a new session is, is decided once, at creation
/// (<see cref="ForNewSession"/>), and stored with it, so a later change of configuration never widens an existing key:
/// <list type="bullet">
/// <item>a kind that declares scopes (<c>SessionAuthenticationOptions.Scopes</c>, e.g. API keys) only creates limited
/// sessions: without requested scopes a session gets none, and a scope the kind does not declare is refused;</item>
/// <item>a kind that declares none (browser sessions) creates unrestricted sessions, unless scopes are asked for.</item>
/// </list>
/// A scope is an RFC 6749 §3.3 scope-token: 1–<see cref="MaxLength"/> printable ASCII characters other than space,
/// <c>"</c> and <c>\</c>. The principal carries one <see cref="SessionClaimTypes.Scope"/> claim per granted scope, and a
/// <see cref="SessionClaimTypes.Scoped"/> claim when the session is limited.
/// </summary>
public static class SessionScopes
{
    /// <summary>The most scopes a session can hold.</summary>
    public const int MaxCount = 32;

    /// <summary>The longest scope accepted, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="scope"/> is a scope-token (RFC 6749 §3.3: %x21 / %x23-5B / %x5D-7E), at most <see cref="MaxLength"/> long.</summary>
    /// <param name="scope">The scope.</param>
    public static bool IsValid(string? scope)
    {
        if (string.IsNullOrEmpty(scope) || scope.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in scope)
        {
            if (c is < '\x21' or > '\x7E' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="session"/> may act with <paramref name="scope"/>: it is unrestricted, or it holds the scope.</summary>
    /// <param name="session">The session.</param>
    /// <param name="scope">The scope asked for.</param>
    public static bool Allows(Session session, string scope)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Scopes is not { } granted || granted.Contains(scope, StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a principal made by session authentication may act with every one of <paramref name="scopes"/>: some
    /// session identity of it is unrestricted or holds them all. Identities that no session scheme made grant nothing.
    /// </summary>
    /// <param name="user">The principal.</param>
    /// <param name="scopes">The scopes asked for.</param>
    public static bool Allows(ClaimsPrincipal user, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(scopes);
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated || !identity.HasClaim(c => c.Type == SessionClaimTypes.Kind))
            {
                continue;
            }

            if (!identity.HasClaim(c => c.Type == SessionClaimTypes.Scoped))
            {
                return true;
            }

            var all = true;
            foreach (var scope in scopes)
            {
                all &= identity.HasClaim(SessionClaimTypes.Scope, scope);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The scopes a new session of a kind is stored with (<see langword="null"/> = unrestricted), or an
    /// <see cref="ArgumentException"/> saying what is wrong with the requested ones.
    /// </summary>
    /// <param name="requested">The scopes of the request, or <see langword="null"/>.</param>
    /// <param name="kindScopes">The scopes the kind declares; empty when it declares none.</param>
    internal static IReadOnlyList<string>? ForNewSession(IReadOnlyList<string>? requested, IReadOnlyCollection<string> kindScopes)
    {
        if (requested is null)
        {
            return kindScopes.Count > 0 ? [] : null;
        }

        if (requested.Count > MaxCount)
        {
            throw new ArgumentException($"A session can hold at most {MaxCount} scopes; {requested.Count} were requested.", "request");
        }

        var scopes = new List<string>(requested.Count);
        foreach (var scope in requested)
        {
            if (!IsValid(scope))
            {
                throw new ArgumentException(
                    $"'{scope}' is not a scope: 1-{MaxLength} printable ASCII characters other than space, '\"' and '\\' (RFC 6749 §3.3).", "request");
            }

            if (kindScopes.Count > 0 && !kindScopes.Contains(scope, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{scope}' is not one of the scopes of this kind: {string.Join(", ", kindScopes)}.", "request");
            }

            if (!scopes.Contains(scope, StringComparer.Ordinal))
            {
                scopes.Add(scope);
            }
        }

        return scopes;
    }
}
