using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions.Stores;

/// <summary>
/// Session ids: 22 URL-safe characters (16 bytes, base64url) that begin with the user group of their user: 4 URL-safe
/// characters derived from the user id (<see cref="UserGroupOfUser"/>). A store can therefore co-locate a session and
/// its user's index knowing only the session id (Redis Cluster hash tags), and spread users evenly (the characters come
/// from SHA-256 of the user id).
/// </summary>
public static class SessionIds
{
    /// <summary>The length of every session id in characters.</summary>
    public const int Length = 22;

    /// <summary>The length of a user group in characters (3 bytes, base64url).</summary>
    public const int UserGroupLength = 4;

    /// <summary>The length of a session id in bytes.</summary>
    internal const int Bytes = 16;

    /// <summary>The base64url alphabet (RFC 4648 §5) of ids and tokens.</summary>
    internal static readonly SearchValues<char> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new random session id for a session of <paramref name="userId"/> (for stores' tests and tools; the manager makes its own with the token).</summary>
    /// <param name="userId">The user id.</param>
    public static string New(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> bytes = stackalloc byte[Bytes];
        WriteUserGroup(userId, bytes);
        RandomNumberGenerator.Fill(bytes[3..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Whether <paramref name="sessionId"/> has the shape of a session id (a store may refuse anything else without I/O).</summary>
    /// <param name="sessionId">The text to check.</param>
    public static bool IsWellFormed(ReadOnlySpan<char> sessionId) =>
        sessionId.Length == Length && !sessionId.ContainsAnyExcept(Base64UrlChars);

    /// <summary>The user group of <paramref name="userId"/>: how every id of the user's sessions begins.</summary>
    /// <param name="userId">The user id.</param>
    public static string UserGroupOfUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> bytes = stackalloc byte[UserGroupLength];
        WriteUserGroup(userId, bytes);
        return Base64Url.EncodeToString(bytes[..3]);
    }

    /// <summary>The user group at the start of a session id.</summary>
    /// <param name="sessionId">A session id.</param>
    public static string UserGroupOfSession(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (sessionId.Length < UserGroupLength)
        {
            throw new ArgumentException("Not a session id.", nameof(sessionId));
        }

        return sessionId[..UserGroupLength];
    }

    /// <summary>Writes the 3 bytes of the user group of <paramref name="userId"/> into the start of <paramref name="destination"/>.</summary>
    internal static void WriteUserGroup(string userId, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(userId.Length);
        var utf8 = max <= 512 ? stackalloc byte[max] : new byte[max];
        var count = Encoding.UTF8.GetBytes(userId, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..count], hash);
        hash[..3].CopyTo(destination);
    }
}
