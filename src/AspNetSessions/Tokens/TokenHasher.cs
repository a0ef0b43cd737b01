using System.Security.Cryptography;

namespace AspNetSessions.Tokens;

/// <summary>
/// Turns a token's key material (id ‖ secret) into the digest that stores keep: SHA-256, or HMAC-SHA256 under the
/// current server key when keys are configured. Previous keys are tried only after the current one fails, so key
/// rotation costs nothing for sessions created under the current key. Hashing the id along with the secret binds
/// each digest to its record: a digest copied onto another record does not validate there.
/// </summary>
internal sealed class TokenHasher
{
    public const int DigestBytes = 32;

    private readonly byte[][] _keys;

    public TokenHasher(IReadOnlyList<byte[]> keys) => _keys = [.. keys];

    /// <summary>How many digests a token can have: one per key (or one plain SHA-256).</summary>
    public int Generations => Math.Max(1, _keys.Length);

    /// <summary>The digest under key generation <paramref name="generation"/> (0 = current).</summary>
    public byte[] Digest(ReadOnlySpan<byte> keyMaterial, int generation = 0)
    {
        var digest = new byte[DigestBytes];
        if (_keys.Length == 0)
        {
            SHA256.HashData(keyMaterial, digest);
        }
        else
        {
            HMACSHA256.HashData(_keys[generation], keyMaterial, digest);
        }

        return digest;
    }
}
