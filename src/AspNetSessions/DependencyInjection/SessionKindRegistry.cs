using AspNetSessions.Tokens;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

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
