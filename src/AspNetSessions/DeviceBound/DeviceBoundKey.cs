using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// A device's public key as a JWK, for the two algorithms DBSC offers (ES256 on P-256, RS256 on RSA 2048–4096 bits):
/// imported strictly (public members only), reduced to its RFC 7638 canonical form (what is stored), its thumbprint,
/// and signature verification with the framework's <see cref="ECDsa"/> and <see cref="RSA"/>.
/// </summary>
internal static class DeviceBoundKey
{
    public const string ES256 = "ES256";
    public const string RS256 = "RS256";

    /// <summary>The algorithms offered in the registration header, in order of preference.</summary>
    public static readonly string[] Algorithms = [ES256, RS256];

    // Members that only a private key (or a symmetric one) has: a JWK carrying any of them is refused outright.
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>Whether <paramref name="alg"/> is on the allow-list (case-sensitive, as JWS names are).</summary>
    public static bool IsAllowed(string? alg) => alg is ES256 or RS256;

    /// <summary>Reads a public JWK for <paramref name="alg"/> into its canonical form; a refusal reason otherwise.</summary>
    public static DeviceProofRefusal TryCanonicalize(JsonElement jwk, string alg, out string canonical)
    {
        canonical = "";
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            return DeviceProofRefusal.Malformed;
        }

        foreach (var member in PrivateMembers)
        {
            if (jwk.TryGetProperty(member, out _))
            {
                return DeviceProofRefusal.KeyNotPublic;
            }
        }

        if (jwk.TryGetProperty("alg", out var keyAlg) && (keyAlg.ValueKind != JsonValueKind.String || keyAlg.GetString() != alg))
        {
            return DeviceProofRefusal.KeyNotSupported;
        }

        var kty = String(jwk, "kty");
        string? text = (alg, kty) switch
        {
            (ES256, "EC") when String(jwk, "crv") == "P-256" && String(jwk, "x") is { } x && String(jwk, "y") is { } y =>
                $$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""",
            (RS256, "RSA") when String(jwk, "e") is { } e && String(jwk, "n") is { } n =>
                $$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""",
            _ => null,
        };
        if (text is null)
        {
            return DeviceProofRefusal.KeyNotSupported;
        }

        // Importing checks the point is on the curve / the modulus size; a key that does not import is refused here,
        // at registration, rather than stored and failing every refresh.
        if (!TryVerify(text, alg, [], [], out _))
        {
            return DeviceProofRefusal.KeyNotSupported;
        }

        canonical = text;
        return DeviceProofRefusal.None;
    }

    /// <summary>The RFC 7638 thumbprint of a canonical JWK: base64url of the SHA-256 of its UTF-8 bytes.</summary>
    public static string Thumbprint(string canonicalJwk) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="signingInput"/> with a canonical JWK. Returns
    /// <see langword="false"/> when the key does not import (then <paramref name="valid"/> is false too).
    /// </summary>
    public static bool TryVerify(string canonicalJwk, string alg, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, out bool valid)
    {
        valid = false;
        try
        {
            using var document = JsonDocument.Parse(canonicalJwk);
            var jwk = document.RootElement;
            if (alg == ES256)
            {
                var x = Bytes(jwk, "x");
                var y = Bytes(jwk, "y");
                if (x is not { Length: 32 } || y is not { Length: 32 })
                {
                    return false;
                }

                using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
                // JWS carries r ‖ s (IEEE P1363), 64 bytes for P-256: the framework's default format.
                valid = signature.Length == 64 && ecdsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256);
                return true;
            }

            var n = Bytes(jwk, "n");
            var e = Bytes(jwk, "e");
            if (n is null || e is not { Length: > 0 and <= 4 } || n.Length is < 256 or > 512 || n[0] == 0)
            {
                return false;
            }

            using var rsa = RSA.Create(new RSAParameters { Modulus = n, Exponent = e });
            valid = signature.Length == n.Length && rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return false;
        }
    }

    private static string? String(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 1024 } text
            && IsBase64UrlOrName(text) ? text : null;

    // Members go into the canonical JSON verbatim, so they may hold only base64url characters (and P-256's '-').
    private static bool IsBase64UrlOrName(string text) => !text.AsSpan().ContainsAnyExcept(Base64UrlCharacters);

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static byte[]? Bytes(JsonElement jwk, string name) =>
        String(jwk, name) is { } text && Base64Url.IsValid(text) ? Base64Url.DecodeFromChars(text) : null;
}
