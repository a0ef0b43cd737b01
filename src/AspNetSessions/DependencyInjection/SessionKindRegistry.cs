using AspNetSessions.Tokens;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>One registered session scheme and where its configuration came from (for error messages).</summary>
/// <param name="Scheme">The authentication scheme.</param>
/// <param name="ConfigurationPath">The configuration section it was bound from, e.g. <c>SessionAuth</c>; null when configured in code.</param>
internal sealed record SessionSchemeRegistration(string Scheme, string? ConfigurationPath)
{
    /// <summary>How to name an option of this scheme in a message: its configuration key, or its property path.</summary>
    public string Key(string option) => ConfigurationPath is null
        ? $"{nameof(SessionAuthenticationOptions)}.{option} (scheme '{Scheme}')"
        : $"{ConfigurationPath}:{option}";
}

/// <summary>Every session scheme of the app, so that a handler can tell another kind's token from a malformed one.</summary>
internal sealed class SessionKindRegistry(IEnumerable<SessionSchemeRegistration> registrations, IOptionsMonitor<SessionAuthenticationOptions> options)
{
    private readonly Lazy<(string Scheme, SessionTokenCodec Codec)[]> _codecs = new(() =>
        [.. registrations.Select(r => (r.Scheme, new SessionTokenCodec(options.Get(r.Scheme).TokenPrefix)))]);

    public bool BelongsToOtherScheme(ReadOnlySpan<char> token, string scheme)
    {
        foreach (var (other, codec) in _codecs.Value)
        {
            if (other != scheme && codec.HasPrefix(token))
            {
                return true;
            }
        }

        return false;
    }
}
