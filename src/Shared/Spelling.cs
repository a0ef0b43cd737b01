namespace AspNetSessions;

/// <summary>
/// "Did you mean …?" for a misspelled name: the nearest candidate by case-insensitive edit distance, when it is near
/// enough to be the one that was meant. Shared as source by the packages that name settings back to the user.
/// </summary>
internal static class Spelling
{
    /// <summary>The candidate nearest to <paramref name="name"/>, or <see langword="null"/> when none is near enough.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        var nearest = candidates.Select(c => (Name: c, Distance: Distance(name, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return nearest.Name is not null && nearest.Distance <= Math.Max(2, name.Length / 3) ? nearest.Name : null;
    }

    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
