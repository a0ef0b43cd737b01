using System.Collections.Frozen;

namespace AspNetSessions;

/// <summary>Shared immutable maps, so that sessions without data or metadata allocate nothing for them.</summary>
internal static class SessionMaps
{
    public static readonly IReadOnlyDictionary<string, string> Empty = FrozenDictionary<string, string>.Empty;

    /// <summary>An immutable, ordinal copy of <paramref name="source"/>, or the shared empty map.</summary>
    public static IReadOnlyDictionary<string, string> Freeze(IEnumerable<KeyValuePair<string, string>>? source)
    {
        if (source is null)
        {
            return Empty;
        }

        var frozen = source.ToFrozenDictionary(StringComparer.Ordinal);
        return frozen.Count == 0 ? Empty : frozen;
    }
}
