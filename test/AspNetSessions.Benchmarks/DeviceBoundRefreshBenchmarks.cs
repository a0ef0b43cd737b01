using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AspNetSessions.DeviceBound;
using BenchmarkDotNet.Attributes;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// What a DBSC refresh costs the app before its one store update (issue #26): parsing the proof and verifying its
/// signature with the stored key, ES256 and RS256. Requests pay none of it; a browser refreshes once per credential lifetime.
/// </summary>
[MemoryDiagnoser]
public class DeviceBoundRefreshBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly string _challenge = DeviceChallenge.Issue(Now);
    private SessionDeviceKey _esKey = null!;
    private SessionDeviceKey _rsKey = null!;
    private string _esProof = "";
    private string _rsProof = "";
    private string _esRegistration = "";

    [GlobalSetup]
    public void Setup()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var q = ec.ExportParameters(false).Q;
        var r = rsa.ExportParameters(false);
        var esJwk = new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(q.X!), ["y"] = B64(q.Y!) };
        var rsJwk = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = B64(r.Modulus!), ["e"] = B64(r.Exponent!) };
        _esRegistration = Sign(new { alg = "ES256", typ = "dbsc+jwt", jwk = esJwk }, data => ec.SignData(data, HashAlgorithmName.SHA256));
        var rsRegistration = Sign(new { alg = "RS256", typ = "dbsc+jwt", jwk = rsJwk }, data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        DeviceBoundProof.Verify(_esRegistration, null, _challenge, null, Now, out var esKey);
        DeviceBoundProof.Verify(rsRegistration, null, _challenge, null, Now, out var rsKey);
        (_esKey, _rsKey) = (esKey!, rsKey!);
        _esProof = Sign(new { alg = "ES256", typ = "dbsc+jwt" }, data => ec.SignData(data, HashAlgorithmName.SHA256));
        _rsProof = Sign(new { alg = "RS256", typ = "dbsc+jwt" }, data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        if (Refresh256() != 0 || RefreshRs256() != 0)
        {
            throw new InvalidOperationException("The benchmark's proofs do not verify.");
        }
    }

    [Benchmark(Baseline = true, Description = "refresh proof, ES256 (stored key)")]
    public int Refresh256() => (int)DeviceBoundProof.Verify(_esProof, _esKey, _challenge, null, Now, out _);

    [Benchmark(Description = "refresh proof, RS256 2048 (stored key)")]
    public int RefreshRs256() => (int)DeviceBoundProof.Verify(_rsProof, _rsKey, _challenge, null, Now, out _);

    [Benchmark(Description = "registration proof, ES256 (jwk canonicalized, thumbprint)")]
    public int RegistrationEs256() => (int)DeviceBoundProof.Verify(_esRegistration, null, _challenge, null, Now, out _);

    private string Sign(object header, Func<byte[], byte[]> sign)
    {
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(new { jti = _challenge }));
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
