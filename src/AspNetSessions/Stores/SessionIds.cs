using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace AspNetSessions.Stores;

/// <summary>
/// Session ids: 22 URL-safe characters (16 bytes, base64url) that begin with the user group of their user
/// (<see cref="SessionUserGroup"/>), so a store can co-locate a session and its user's index knowing only the id.
/// </summary>
public static class SessionIds
{
    /// <summary>The length of every session id in characters.</summary>
    public const int Length = 22;

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
        SessionUserGroup.Write(userId, bytes);
        RandomNumberGenerator.Fill(bytes[3..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Whether <paramref name="sessionId"/> has the shape of a session id (a store may refuse anything else without I/O).</summary>
    /// <param name="sessionId">The text to check.</param>
    public static bool IsWellFormed(ReadOnlySpan<char> sessionId) =>
        sessionId.Length == Length && !sessionId.ContainsAnyExcept(Base64UrlChars);
}
