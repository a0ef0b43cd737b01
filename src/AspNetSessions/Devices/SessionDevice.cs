using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions;

/// <summary>
/// The device a session was created on, as far as its stored metadata tells, in one place: its user-agent family
/// (browser and operating system, no versions, so an update is the same device) and the device id the app or the device
/// cookie supplied (<see cref="SessionMetadataKeys.DeviceId"/>), hashed with the user id into a fingerprint. The IP
/// address is never part of it: an address is not a device (it changes with the network), and a fingerprint must not be
/// a way to track where someone is.
/// </summary>
internal static class SessionDevice
{
    /// <summary>The device's fingerprint for <paramref name="userId"/>, or <see langword="null"/> when the metadata names no device.</summary>
    public static string? Fingerprint(string userId, IReadOnlyDictionary<string, string> metadata)
    {
        var family = Family(metadata);
        metadata.TryGetValue(SessionMetadataKeys.DeviceId, out var deviceId);
        if (family is null && string.IsNullOrEmpty(deviceId))
        {
            return null;
        }

        // Keyed by the user: the same browser of two users is two fingerprints, so none links one user to another.
        var input = Encoding.UTF8.GetBytes($"aspnetsessions-device-v1\n{userId}\n{family}\n{deviceId}");
        return Convert.ToBase64String(SHA256.HashData(input).AsSpan(0, 16));
    }

    /// <summary>E.g. <c>Chrome on Windows</c>: the stored user agent's browser and operating system, or <see langword="null"/> when none was stored.</summary>
    public static string? Family(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(SessionMetadataKeys.UserAgent, out var userAgent) && !string.IsNullOrWhiteSpace(userAgent)
            ? $"{Browser(userAgent)} on {OperatingSystem(userAgent)}"
            : null;

    // Order matters: Edge and Opera say Chrome, Chrome says Safari, Android says Linux.
    private static string Browser(string ua) =>
        Has(ua, "Edg/") || Has(ua, "EdgA/") || Has(ua, "EdgiOS/") ? "Edge"
        : Has(ua, "OPR/") || Has(ua, "Opera") ? "Opera"
        : Has(ua, "Firefox/") || Has(ua, "FxiOS/") ? "Firefox"
        : Has(ua, "Chrome/") || Has(ua, "CriOS/") || Has(ua, "Chromium/") ? "Chrome"
        : Has(ua, "Safari/") ? "Safari"
        : ProductName(ua);

    private static string OperatingSystem(string ua) =>
        Has(ua, "Windows") ? "Windows"
        : Has(ua, "Android") ? "Android"
        : Has(ua, "iPhone") || Has(ua, "iPad") || Has(ua, "iPod") ? "iOS"
        : Has(ua, "Mac OS X") || Has(ua, "Macintosh") ? "macOS"
        : Has(ua, "CrOS") ? "ChromeOS"
        : Has(ua, "Linux") ? "Linux"
        : "another system";

    /// <summary>The first product token's name (<c>curl/8.5.0</c> → <c>curl</c>), at most 32 characters.</summary>
    private static string ProductName(string ua)
    {
        var token = ua.AsSpan().Trim();
        var end = token.IndexOfAny('/', ' ');
        var name = (end < 0 ? token : token[..end]).ToString();
        return name.Length is > 0 and <= 32 ? name : "another browser";
    }

    private static bool Has(string ua, string value) => ua.Contains(value, StringComparison.Ordinal);
}
