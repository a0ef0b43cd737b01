using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>Reads the session metadata that describes a request: its user agent and remote IP address.</summary>
public static class SessionRequestMetadata
{
    /// <summary>The longest user agent kept, in characters; longer ones are cut.</summary>
    public const int MaxUserAgentLength = 256;

    /// <summary>The <see cref="SessionMetadataKeys.UserAgent"/> and <see cref="SessionMetadataKeys.IpAddress"/> of a request (absent ones left out).</summary>
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

        return metadata;
    }
}
