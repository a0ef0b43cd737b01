using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// A DBSC proof (the <c>Secure-Session-Response</c> header): a JWS in compact serialization whose header is
/// <c>{"alg", "typ": "dbsc+jwt", "jwk"?}</c> and whose payload is <c>{"jti": challenge, "authorization"?}</c>.
/// <see cref="Verify"/> is the one check of a proof, for registration (the key comes in <c>jwk</c>) and refresh (the
/// stored key; a <c>jwk</c> is refused). Pure: no I/O, no clock of its own; the caller consumes the challenge in the store.
/// </summary>
internal static class DeviceBoundProof
{
    /// <summary>The longest proof read (an RS256 proof with a 4096-bit key is under 2,500 characters).</summary>
    public const int MaxLength = 8192;

    private const string Type = "dbsc+jwt";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 4 };

    /// <summary>
    /// Checks a proof: shape and size, <c>typ</c>, the alg allow-list, the key (<paramref name="boundKey"/> at refresh, the
    /// header's public <c>jwk</c> at registration), the signature, that <c>jti</c> is <paramref name="challenge"/> and
    /// unexpired, and the <c>authorization</c> echo when <paramref name="authorization"/> is set. Cheap checks come first:
    /// the signature is verified only for a proof that answers the outstanding challenge.
    /// </summary>
    /// <param name="proof">The header value.</param>
    /// <param name="boundKey">The stored key (refresh), or <see langword="null"/> (registration).</param>
    /// <param name="challenge">The session's outstanding challenge, or <see langword="null"/> for none.</param>
    /// <param name="authorization">The authorization value the registration offer carried, or <see langword="null"/>.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="key">At registration, the key to bind (canonical JWK, alg, thumbprint; <see cref="SessionDeviceKey.BoundAt"/> = <paramref name="now"/>).</param>
    public static DeviceProofRefusal Verify(string? proof, SessionDeviceKey? boundKey, string? challenge, string? authorization, DateTimeOffset now, out SessionDeviceKey? key)
    {
        key = null;
        if (string.IsNullOrEmpty(proof))
        {
            return DeviceProofRefusal.Missing;
        }

        if (proof.Length > MaxLength)
        {
            return DeviceProofRefusal.TooLarge;
        }

        var first = proof.IndexOf('.');
        var second = first < 0 ? -1 : proof.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == proof.Length - 1 || proof.IndexOf('.', second + 1) >= 0)
        {
            return DeviceProofRefusal.Malformed;
        }

        var headerText = proof.AsSpan(0, first);
        var payloadText = proof.AsSpan(first + 1, second - first - 1);
        var signatureText = proof.AsSpan(second + 1);
        if (!Base64Url.IsValid(headerText) || !Base64Url.IsValid(payloadText) || !Base64Url.IsValid(signatureText))
        {
            return DeviceProofRefusal.Malformed;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(headerText), DocumentOptions);
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(payloadText), DocumentOptions);
            var h = header.RootElement;
            var p = payload.RootElement;
            if (h.ValueKind != JsonValueKind.Object || p.ValueKind != JsonValueKind.Object || h.TryGetProperty("crit", out _))
            {
                return DeviceProofRefusal.Malformed;
            }

            if (!h.TryGetProperty("typ", out var typ) || typ.ValueKind != JsonValueKind.String || !string.Equals(typ.GetString(), Type, StringComparison.OrdinalIgnoreCase))
            {
                return DeviceProofRefusal.WrongType;
            }

            var alg = h.TryGetProperty("alg", out var algValue) && algValue.ValueKind == JsonValueKind.String ? algValue.GetString() : null;
            if (!DeviceBoundKey.IsAllowed(alg) || (boundKey is not null && alg != boundKey.Algorithm))
            {
                return DeviceProofRefusal.AlgorithmNotAllowed;
            }

            if (!p.TryGetProperty("jti", out var jti) || jti.ValueKind != JsonValueKind.String)
            {
                return DeviceProofRefusal.Malformed;
            }

            if (challenge is null || !jti.ValueEquals(challenge))
            {
                return DeviceProofRefusal.ChallengeNotIssued;
            }

            if (DeviceChallenge.IsExpired(challenge, now))
            {
                return DeviceProofRefusal.ChallengeExpired;
            }

            if (authorization is not null && !(p.TryGetProperty("authorization", out var echo) && echo.ValueKind == JsonValueKind.String && echo.ValueEquals(authorization)))
            {
                return DeviceProofRefusal.AuthorizationMismatch;
            }

            var hasJwk = h.TryGetProperty("jwk", out var jwk);
            string canonical;
            if (boundKey is not null)
            {
                if (hasJwk)
                {
                    return DeviceProofRefusal.KeyAtRefresh;
                }

                canonical = boundKey.Jwk;
            }
            else if (!hasJwk)
            {
                return DeviceProofRefusal.KeyMissing;
            }
            else if (DeviceBoundKey.TryCanonicalize(jwk, alg!, out canonical) is var refusal && refusal != DeviceProofRefusal.None)
            {
                return refusal;
            }

            var signingInput = Encoding.ASCII.GetBytes(proof, 0, second);
            if (!DeviceBoundKey.TryVerify(canonical, alg!, signingInput, Base64Url.DecodeFromChars(signatureText), out var valid))
            {
                return DeviceProofRefusal.KeyNotSupported;
            }

            if (!valid)
            {
                return DeviceProofRefusal.BadSignature;
            }

            key = boundKey ?? new SessionDeviceKey { Jwk = canonical, Algorithm = alg!, Thumbprint = DeviceBoundKey.Thumbprint(canonical), BoundAt = now };
            return DeviceProofRefusal.None;
        }
        catch (JsonException)
        {
            return DeviceProofRefusal.Malformed;
        }
    }
}
