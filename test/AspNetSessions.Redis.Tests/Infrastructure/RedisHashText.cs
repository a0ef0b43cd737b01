using System.Text;
using StackExchange.Redis;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// A hash as text for checks of what is at rest: every field and value, and then each value kept in chunks (<c>m</c>,
/// <c>m1</c>, <c>m2</c>, …: <c>RedisSessionFields.ChunkBytes</c>) joined again, so that a search for a secret cannot miss one
/// split at a chunk border.
/// </summary>
internal static class RedisHashText
{
    private static readonly char[] Digits = "0123456789".ToCharArray();

    public static string Of(HashEntry[] entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(entry.Name).Append('=').Append(entry.Value).Append('\n');
        }

        foreach (var field in entries.GroupBy(e => ((string)e.Name!).TrimEnd(Digits), StringComparer.Ordinal))
        {
            var chunks = field.OrderBy(e => ((string)e.Name!).Length).ThenBy(e => (string)e.Name!, StringComparer.Ordinal);
            text.Append(field.Key).Append(" joined=").AppendJoin(string.Empty, chunks.Select(e => e.Value.ToString())).Append('\n');
        }

        return text.ToString();
    }
}
