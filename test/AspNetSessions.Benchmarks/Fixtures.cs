using System.Security.Claims;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;

namespace AspNetSessions.Benchmarks;

/// <summary>Builds stored sessions directly (fast bulk loads) the way <see cref="SessionManager"/> would.</summary>
internal static class Fixtures
{
    public const string Kind = "Session";

    /// <summary>How many sessions each generated user owns.</summary>
    public const int SessionsPerUser = 10;

    /// <summary>A fixed instant, whole milliseconds, like the manager's clock readings.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static string UserId(int user) => "user-" + user.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A new record for <paramref name="userId"/> with an idle expiry of 30 minutes and an absolute one of 7 days,
    /// one role claim, and the digest of fresh key material (written to <paramref name="keyMaterial"/>).
    /// </summary>
    public static SessionRecord NewRecord(string userId, TokenHasher hasher, Span<byte> keyMaterial, out byte[] digest)
    {
        SessionTokenCodec.Generate(userId, keyMaterial);
        digest = hasher.Digest(keyMaterial);
        var session = new Session
        {
            Id = SessionTokenCodec.GetSessionId(keyMaterial),
            Kind = Kind,
            UserId = userId,
            CreatedAt = Now,
            LastSeenAt = Now,
            ExpiresAt = Now.AddMinutes(30),
            AbsoluteExpiresAt = Now.AddDays(7),
            Claims = [new SessionClaim(ClaimTypes.Role, "user")],
        };
        return new SessionRecord(session, digest);
    }
}
