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

    // Plain SHA-256 is the framework's one-shot SHA256.HashData (FIPS-aware, no native code of our own). HMAC keeps
    // one object per thread and key, reused: HMACSHA256.HashData sets up and tears down a keyed context on every call,
    // which costs more than hashing 48 bytes. Digest never awaits, so a thread's object is never used by two callers
    // at once.
    private readonly byte[][] _keys;
    private readonly ThreadLocal<HMACSHA256>[] _hmacs;

    public TokenHasher(IReadOnlyList<byte[]> keys)
    {
        _keys = [.. keys];
        _hmacs = new ThreadLocal<HMACSHA256>[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            var key = _keys[i];
            _hmacs[i] = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(key));
        }
    }

    /// <summary>How many digests a token can have: one per key (or one plain SHA-256).</summary>
    public int Generations => Math.Max(1, _keys.Length);

    /// <summary>The digest under key generation <paramref name="generation"/> (0 = current).</summary>
    public byte[] Digest(ReadOnlySpan<byte> keyMaterial, int generation = 0)
    {
        var digest = new byte[DigestBytes];
        Digest(keyMaterial, digest, generation);
        return digest;
    }

    /// <summary>Writes the digest under key generation <paramref name="generation"/> into <paramref name="destination"/> (32 bytes).</summary>
    public void Digest(ReadOnlySpan<byte> keyMaterial, Span<byte> destination, int generation)
    {
        if (_keys.Length == 0)
        {
            SHA256.HashData(keyMaterial, destination);
            return;
        }

        var algorithm = _hmacs[generation].Value!;
        if (!algorithm.TryComputeHash(keyMaterial, destination, out var written) || written != DigestBytes)
        {
            throw new CryptographicException("The token digest could not be computed.");
        }
    }
}
