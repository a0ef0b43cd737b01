using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.TestSupport;

/// <summary>
/// A device's key pair, as a browser holds it for DBSC: signs proofs (<c>dbsc+jwt</c> JWS, compact) with ES256 or RS256,
/// with its public JWK in the header at registration and without it at refresh. <see cref="Sign"/> builds any header and
/// payload, so tests can also make the proofs a browser never would (alg none, a private key in the header).
/// </summary>
public sealed class DeviceKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private DeviceKey(ECDsa? ec, RSA? rsa)
    {
        _ec = ec;
        _rsa = rsa;
    }

    public static DeviceKey Es256() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    public static DeviceKey Rs256(int bits = 2048) => new(null, RSA.Create(bits));

    public string Algorithm => _ec is not null ? "ES256" : "RS256";

    /// <summary>The public JWK as a browser sends it (members in any order; here with an extra <c>use</c>).</summary>
    public Dictionary<string, string> PublicJwk
    {
        get
        {
            if (_ec is not null)
            {
                var p = _ec.ExportParameters(false);
                return new() { ["kty"] = "EC", ["use"] = "sig", ["crv"] = "P-256", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
            }

            var r = _rsa!.ExportParameters(false);
            return new() { ["kty"] = "RSA", ["n"] = B64(r.Modulus!), ["e"] = B64(r.Exponent!) };
        }
    }

    /// <summary>The JWK with its private member <c>d</c> too (what a careless client might send).</summary>
    public Dictionary<string, string> PrivateJwk
    {
        get
        {
            var jwk = PublicJwk;
            jwk["d"] = _ec is not null ? B64(_ec.ExportParameters(true).D!) : B64(_rsa!.ExportParameters(true).D!);
            return jwk;
        }
    }

    /// <summary>The expected RFC 7638 thumbprint, computed independently of the library (sorted required members).</summary>
    public string Thumbprint
    {
        get
        {
            var jwk = PublicJwk;
            var members = _ec is not null ? new[] { "crv", "kty", "x", "y" } : ["e", "kty", "n"];
            var json = "{" + string.Join(",", members.Select(m => $"\"{m}\":\"{jwk[m]}\"")) + "}";
            return B64(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        }
    }

    /// <summary>A registration proof: the public JWK in the header.</summary>
    public string Registration(string challenge, string? authorization = null) =>
        Sign(new Dictionary<string, object> { ["alg"] = Algorithm, ["typ"] = "dbsc+jwt", ["jwk"] = PublicJwk }, Payload(challenge, authorization));

    /// <summary>A refresh proof: no key in the header.</summary>
    public string Refresh(string challenge) =>
        Sign(new Dictionary<string, object> { ["alg"] = Algorithm, ["typ"] = "dbsc+jwt" }, Payload(challenge, null));

    /// <summary>Signs any header and payload with this key.</summary>
    public string Sign(object header, object payload)
    {
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload));
        var bytes = Encoding.ASCII.GetBytes(input);
        var signature = _ec is not null
            ? _ec.SignData(bytes, HashAlgorithmName.SHA256)
            : _rsa!.SignData(bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }

    private static Dictionary<string, string> Payload(string challenge, string? authorization) =>
        authorization is null ? new() { ["jti"] = challenge } : new() { ["jti"] = challenge, ["authorization"] = authorization };
}
