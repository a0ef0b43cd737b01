namespace AspNetSessions.TestSupport;

/// <summary>A token with its tail changed: every replaced character differs from the one it replaces, so the result is never the token itself.</summary>
public static class DamagedToken
{
    /// <summary>Replaces the last <paramref name="count"/> characters of <paramref name="token"/> with characters that differ from them.</summary>
    public static string Of(string token, int count = 2)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, token.Length);
        return string.Create(token.Length, (token, count), static (span, state) =>
        {
            state.token.AsSpan().CopyTo(span);
            for (var i = span.Length - state.count; i < span.Length; i++)
            {
                span[i] = span[i] == 'A' ? 'B' : 'A';
            }
        });
    }
}
