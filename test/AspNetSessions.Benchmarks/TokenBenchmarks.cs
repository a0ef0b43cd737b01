using System.Security.Cryptography;
using AspNetSessions.Tokens;
using BenchmarkDotNet.Attributes;

namespace AspNetSessions.Benchmarks;

/// <summary>What every request pays before any store access: decode and check the token, then digest its key material.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly SessionTokenCodec _codec = new("sess");
    private readonly TokenHasher _sha256 = new([]);
    private readonly TokenHasher _hmac = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly byte[] _keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
    private readonly SHA256 _framework = SHA256.Create();
    private readonly byte[] _digest = new byte[32];
    private string _token = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        SessionTokenCodec.Generate("alice", keyMaterial);
        _token = _codec.Format(keyMaterial);
    }

    [Benchmark(Baseline = true, Description = "TryParse")]
    public bool Parse() => _codec.TryParse(_token, _keyMaterial);

    [Benchmark(Description = "TryParse + SHA-256 digest (TokenHasher: SHA256.HashData)")]
    public byte[] ParseAndSha256()
    {
        _codec.TryParse(_token, _keyMaterial);
        return _sha256.Digest(_keyMaterial);
    }

    // The framework's two ways to the same digest, in the same run: a reused SHA256 object, and the one-shot call
    // (what TokenHasher uses).
    [Benchmark(Description = "TryParse + framework SHA-256 (reused SHA256 object)")]
    public bool ParseAndFrameworkSha256()
    {
        _codec.TryParse(_token, _keyMaterial);
        return _framework.TryComputeHash(_keyMaterial, _digest, out _);
    }

    [Benchmark(Description = "TryParse + framework SHA256.HashData")]
    public int ParseAndFrameworkOneShot()
    {
        _codec.TryParse(_token, _keyMaterial);
        return SHA256.HashData(_keyMaterial, _digest);
    }

    [Benchmark(Description = "TryParse + HMAC-SHA256 digest")]
    public byte[] ParseAndHmac()
    {
        _codec.TryParse(_token, _keyMaterial);
        return _hmac.Digest(_keyMaterial);
    }
}
