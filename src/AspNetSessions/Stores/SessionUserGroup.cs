using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions.Stores;

/// <summary>
/// The user group: 4 URL-safe characters derived from a user id, with which every session id of that user begins.
/// A store can therefore co-locate a session and its user's index knowing only the session id
/// (Redis Cluster hash tags), and spread users evenly (the characters come from SHA-256 of the user id).
/// </summary>
public static class SessionUserGroup
{
    /// <summary>The length of a user group in characters (3 bytes, base64url).</summary>
    public const int Length = 4;

    /// <summary>The user group of <paramref name="userId"/>.</summary>
    /// <param name="userId">The user id.</param>
    public static string Of(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> bytes = stackalloc byte[Length];
        Write(userId, bytes);
        return Base64Url.EncodeToString(bytes[..3]);
    }

    /// <summary>The user group at the start of a session id.</summary>
    /// <param name="sessionId">A session id.</param>
    public static string FromSessionId(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (sessionId.Length < Length)
        {
            throw new ArgumentException("Not a session id.", nameof(sessionId));
        }

        return sessionId[..Length];
    }

    /// <summary>Writes the 3 bytes of the user group of <paramref name="userId"/> into the start of <paramref name="destination"/>.</summary>
    internal static void Write(string userId, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(userId.Length);
        var utf8 = max <= 512 ? stackalloc byte[max] : new byte[max];
        var count = Encoding.UTF8.GetBytes(userId, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..count], hash);
        hash[..3].CopyTo(destination);
    }
}
