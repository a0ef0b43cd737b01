using System.Buffers.Text;
using System.Text;

namespace AspNetSessions;

/// <summary>
/// The cursor of the admin listing across kinds: the kind being listed (base64url) and that kind's manager cursor
/// (protected, <see cref="ISessionManager.ListPageAsync"/>), or nothing at the start of the kind.
/// </summary>
internal static class AdminCursor
{
    public static string Write(string kind, string? managerCursor) =>
        string.Concat(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind)), ".", managerCursor);

    /// <summary>Which of <paramref name="kinds"/> the cursor is at, and its manager cursor; <see langword="false"/> for a cursor of no listed kind.</summary>
    public static bool TryRead(string? cursor, IReadOnlyList<ISessionManager> kinds, out int at, out string? managerCursor)
    {
        (at, managerCursor) = (0, null);
        if (cursor is null)
        {
            return kinds.Count > 0;
        }

        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        string kind;
        try
        {
            kind = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(0, dot)));
        }
        catch (FormatException)
        {
            return false;
        }

        for (at = 0; at < kinds.Count; at++)
        {
            if (kinds[at].Kind == kind)
            {
                managerCursor = dot == cursor.Length - 1 ? null : cursor[(dot + 1)..];
                return true;
            }
        }

        return false;
    }
}
