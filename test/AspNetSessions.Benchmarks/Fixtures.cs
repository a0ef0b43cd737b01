using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchApp;

namespace AspNetSessions.Benchmarks;

/// <summary>Builds stored sessions directly (fast bulk loads) the way <see cref="SessionManager"/> would.</summary>
internal static class Fixtures
{
    public const string Kind = "Session";

    /// <summary>A fixed instant, whole milliseconds, like the manager's clock readings.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A new record for <paramref name="userId"/> with an idle expiry of 30 minutes and an absolute one of 7 days,
    /// <see cref="SignInShape"/>'s claims, and the digest of fresh key material (written to <paramref name="keyMaterial"/>).
    /// </summary>
    public static SessionRecord NewRecord(string userId, TokenHasher hasher, Span<byte> keyMaterial, out byte[] digest) =>
        NewRecord(userId, hasher, keyMaterial, out digest, metadata: null);

    /// <summary><see cref="NewRecord(string, TokenHasher, Span{byte}, out byte[])"/> with <paramref name="metadata"/> (null for none).</summary>
    public static SessionRecord NewRecord(string userId, TokenHasher hasher, Span<byte> keyMaterial, out byte[] digest, IReadOnlyDictionary<string, string>? metadata)
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
            Claims = SignInShape.Claims(),
        };
        return new SessionRecord(metadata is null ? session : session with { Metadata = metadata }, digest);
    }

    /// <summary>The fixtures' instant, always: stored records never expire under the memory store's sweeper.</summary>
    public sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
