using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>Reads the session metadata that describes a request: its user agent, remote IP address and device cookie.</summary>
public static partial class SessionRequestMetadata
{
    /// <summary>The longest user agent kept, in characters; longer ones are cut.</summary>
    public const int MaxUserAgentLength = 256;

    /// <summary>
    /// The cookie whose value, when a request has it, is recorded as <see cref="SessionMetadataKeys.DeviceId"/>: a
    /// long-lived random id the app sets once per browser (16-64 letters, digits, '-' or '_'; anything else is ignored).
    /// The library reads it and never sets it.
    /// </summary>
    public const string DeviceCookieName = "__Host-device";

    /// <summary>
    /// The <see cref="SessionMetadataKeys.UserAgent"/>, <see cref="SessionMetadataKeys.IpAddress"/> and
    /// <see cref="SessionMetadataKeys.DeviceId"/> of a request (absent ones left out).
    /// </summary>
    /// <param name="context">The request.</param>
    public static Dictionary<string, string> Capture(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = new Dictionary<string, string>(2, StringComparer.Ordinal);
        var userAgent = context.Request.Headers.UserAgent.ToString();
        if (userAgent.Length > 0)
        {
            metadata[SessionMetadataKeys.UserAgent] = userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent;
        }

        if (context.Connection.RemoteIpAddress is { } ip)
        {
            metadata[SessionMetadataKeys.IpAddress] = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
        }

        if (context.Request.Cookies[DeviceCookieName] is { } deviceId && DeviceIdPattern().IsMatch(deviceId))
        {
            metadata[SessionMetadataKeys.DeviceId] = deviceId;
        }

        return metadata;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$")]
    private static partial Regex DeviceIdPattern();
}
