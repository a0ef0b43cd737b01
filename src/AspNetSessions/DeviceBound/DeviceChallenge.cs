using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// DBSC challenges: 128 random bits and their expiry in one opaque value, <c>{random}.{expiry in Unix seconds}</c>. The
/// session record keeps the one outstanding value (<see cref="Session.DeviceChallenge"/>), so a proof's <c>jti</c> must
/// equal it exactly; the expiry rides along and needs no field of its own.
/// </summary>
internal static class DeviceChallenge
{
    /// <summary>How long an issued challenge may be answered.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The longest value a proof's <c>jti</c> may have.</summary>
    public const int MaxLength = 64;

    /// <summary>A fresh challenge that expires <see cref="Lifetime"/> after <paramref name="now"/>.</summary>
    public static string Issue(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random) + "." + (now + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="challenge"/> has expired at <paramref name="now"/>; one whose expiry does not parse has.</summary>
    public static bool IsExpired(string challenge, DateTimeOffset now)
    {
        var dot = challenge.LastIndexOf('.');
        return dot < 0
            || !long.TryParse(challenge.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds <= now.ToUnixTimeSeconds();
    }
}
