using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AspNetSessions.Stores;

namespace AspNetSessions.Tokens;

/// <summary>
/// The token text format of one kind: <c>{prefix}_{base64url(id ‖ secret ‖ crc32)}</c>.
/// <list type="bullet">
/// <item>prefix: names the kind, so secret scanners can recognise a leaked token and schemes can tell tokens apart;</item>
/// <item>id: 16 bytes, the user group (3 bytes, see <see cref="SessionIds.UserGroupOfUser"/>) then 13 random bytes; locates the record in O(1);</item>
/// <item>secret: 32 bytes (256 bits) from <see cref="RandomNumberGenerator"/>; only its digest is stored;</item>
/// <item>crc32 over the prefix and the 48 bytes above: a mistyped or truncated token is rejected before any I/O.</item>
/// </list>
/// 52 bytes encode to exactly 70 characters; the 4 unused bits of the last character must be zero, so each token
/// has exactly one spelling.
/// </summary>
internal sealed class SessionTokenCodec
{
    public const int IdBytes = SessionIds.Bytes;
    public const int SecretBytes = 32;
    public const int KeyMaterialBytes = IdBytes + SecretBytes;
    private const int ChecksumBytes = 4;
    private const int BodyBytes = KeyMaterialBytes + ChecksumBytes;
    private const int BodyChars = 70;

    private readonly string _prefixWithSeparator;
    private readonly byte[] _prefixBytes;

    public SessionTokenCodec(string prefix)
    {
        Prefix = prefix;
        _prefixWithSeparator = prefix + "_";
        _prefixBytes = Encoding.ASCII.GetBytes(_prefixWithSeparator);
    }

    public string Prefix { get; }

    /// <summary>The length of every token of this kind.</summary>
    public int TokenLength => _prefixWithSeparator.Length + BodyChars;

    /// <summary>Fills <paramref name="keyMaterial"/> (48 bytes) with a new id for <paramref name="userId"/> and a new secret.</summary>
    public static void Generate(string userId, Span<byte> keyMaterial)
    {
        SessionIds.WriteUserGroup(userId, keyMaterial);
        RandomNumberGenerator.Fill(keyMaterial[3..]);
    }

    /// <summary>The session id (22 characters) held in the first 16 bytes of <paramref name="keyMaterial"/>.</summary>
    public static string GetSessionId(ReadOnlySpan<byte> keyMaterial) => Base64Url.EncodeToString(keyMaterial[..SessionIds.Bytes]);

    /// <summary>Whether <paramref name="sessionId"/> has the shape of a session id.</summary>
    public static bool IsSessionId(ReadOnlySpan<char> sessionId) => SessionIds.IsWellFormed(sessionId);

    public string Format(ReadOnlySpan<byte> keyMaterial)
    {
        Span<byte> body = stackalloc byte[BodyBytes];
        keyMaterial.CopyTo(body);
        BinaryPrimitives.WriteUInt32BigEndian(body[KeyMaterialBytes..], Checksum(keyMaterial));
        return string.Create(TokenLength, (this, body.ToArray()), static (chars, state) =>
        {
            var (codec, bytes) = state;
            codec._prefixWithSeparator.CopyTo(chars);
            Base64Url.EncodeToChars(bytes, chars[codec._prefixWithSeparator.Length..]);
            CryptographicOperations.ZeroMemory(bytes);
        });
    }

    /// <summary>
    /// Whether <paramref name="token"/> carries this kind's prefix (whatever follows it). Used to tell a token meant
    /// for another scheme from a malformed one.
    /// </summary>
    public bool HasPrefix(ReadOnlySpan<char> token) => token.StartsWith(_prefixWithSeparator, StringComparison.Ordinal);

    /// <summary>Decodes a well-formed token into its 48 bytes of id and secret. Never throws.</summary>
    public bool TryParse(ReadOnlySpan<char> token, Span<byte> keyMaterial)
    {
        if (token.Length != TokenLength || !HasPrefix(token))
        {
            return false;
        }

        var body = token[_prefixWithSeparator.Length..];
        // Strict alphabet (no padding, whitespace or '+/'), and the last character's 4 spare bits must be zero.
        if (body.ContainsAnyExcept(SessionIds.Base64UrlChars) || (Base64UrlValue(body[^1]) & 0xF) != 0)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[BodyBytes];
        if (!Base64Url.TryDecodeFromChars(body, bytes, out var written) || written != BodyBytes)
        {
            return false;
        }

        var expected = BinaryPrimitives.ReadUInt32BigEndian(bytes[KeyMaterialBytes..]);
        if (Checksum(bytes[..KeyMaterialBytes]) != expected)
        {
            return false;
        }

        bytes[..KeyMaterialBytes].CopyTo(keyMaterial);
        CryptographicOperations.ZeroMemory(bytes);
        return true;
    }

    /// <summary>CRC-32/IEEE (System.IO.Hashing) over the prefix with its separator and the 48 bytes of id and secret.</summary>
    private uint Checksum(ReadOnlySpan<byte> keyMaterial)
    {
        Span<byte> input = stackalloc byte[_prefixBytes.Length + KeyMaterialBytes];
        _prefixBytes.CopyTo(input);
        keyMaterial[..KeyMaterialBytes].CopyTo(input[_prefixBytes.Length..]);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(input);
        CryptographicOperations.ZeroMemory(input);
        return crc;
    }

    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };
}
