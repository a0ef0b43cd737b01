using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AspNetSessions.DeviceBound;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// What a DBSC refresh costs the server (issue #26), against its floor, one ES256 signature verification with the key
/// already imported. Chromium refreshes in two requests, both measured end to end in process: the real handler's
/// <see cref="IAuthenticationRequestHandler.HandleRequestAsync"/> as the authentication middleware calls it, a fresh
/// request scope and <see cref="DefaultHttpContext"/> per call, memory store. First without a proof (find the session,
/// store a fresh challenge, 403); then with a proof signed over that challenge (find, parse the JWS, import the stored
/// JWK, verify, and one store update that consumes the challenge and rotates the token; the cookie and the instructions
/// JSON written). A challenge answers once, so before each iteration every session of <see cref="Sessions"/> gets a new
/// one and the device's proof over it (signing is the browser's cost, not measured). Ordinary requests pay none of this:
/// a bound session's request is the <see cref="HandlerBenchmarks"/> cookie request, its credential expiry one compare.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[InvocationCount(Sessions)]
public class DeviceBoundRefreshBenchmarks
{
    /// <summary>Bound sessions in the store, one refreshed per invocation of the signed refresh: the invocations per iteration.</summary>
    public const int Sessions = 4096;

    private const string Scheme = SessionAuthenticationDefaults.AuthenticationScheme;

    private readonly ECDsa _device = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsaDevice = RSA.Create(2048);
    private ServiceProvider _services = null!;
    private SessionManager _manager = null!;
    private string _refreshPath = "";
    private SessionDeviceKey _key = null!;
    private SessionDeviceKey _rsaKey = null!;
    private string[] _ids = [];
    private string[] _proofs = [];
    private int _next;
    private string _challenged = "";
    private string _fixedChallenge = "";
    private string _esProof = "";
    private string _rsProof = "";
    private byte[] _esSigningInput = [];
    private byte[] _esSignature = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _services = AppServices.Build(services => services.AddSessionAuth(o => o.DeviceBound.Enabled = true));
        _manager = AppServices.Manager(_services);
        var options = _services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SessionAuthenticationOptions>>().Get(Scheme);
        _refreshPath = options.DeviceBound.RefreshPath.Value!;

        var now = DateTimeOffset.UtcNow;
        _fixedChallenge = DeviceChallenge.Issue(now);
        var q = _device.ExportParameters(false).Q;
        var r = _rsaDevice.ExportParameters(false);
        var esJwk = new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(q.X!), ["y"] = B64(q.Y!) };
        var rsJwk = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = B64(r.Modulus!), ["e"] = B64(r.Exponent!) };
        Require(DeviceBoundProof.Verify(Sign(new { alg = "ES256", typ = "dbsc+jwt", jwk = esJwk }, _fixedChallenge, EsSign), null, _fixedChallenge, null, now, out var key));
        Require(DeviceBoundProof.Verify(Sign(new { alg = "RS256", typ = "dbsc+jwt", jwk = rsJwk }, _fixedChallenge, RsSign), null, _fixedChallenge, null, now, out var rsaKey));
        (_key, _rsaKey) = (key!, rsaKey!);
        _esProof = Sign(new { alg = "ES256", typ = "dbsc+jwt" }, _fixedChallenge, EsSign);
        _rsProof = Sign(new { alg = "RS256", typ = "dbsc+jwt" }, _fixedChallenge, RsSign);
        _esSigningInput = Encoding.ASCII.GetBytes(_esProof[.._esProof.LastIndexOf('.')]);
        _esSignature = Base64Url.DecodeFromChars(_esProof.AsSpan(_esProof.LastIndexOf('.') + 1));

        // Bound sessions, as a registration leaves them: the key stored, the first credential issued.
        _ids = new string[Sessions];
        for (var i = 0; i < Sessions; i++)
        {
            _ids[i] = await BindAsync("user" + i);
        }

        _challenged = await BindAsync("alice");
        PrepareProofs();
        Require(await Refresh(_challenged, null), StatusCodes.Status403Forbidden);
        Require(await Refresh(_ids[0], _proofs[0]), StatusCodes.Status200OK);
        Require(await Refresh(_ids[0], _proofs[0]), StatusCodes.Status403Forbidden); // a replay: the challenge answered once
        Require(VerifyAlone() && ImportAlone() ? 0 : 1, 0);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        _device.Dispose();
        _rsaDevice.Dispose();
    }

    /// <summary>A fresh challenge on every session and the device's proof over it: each signed refresh answers one.</summary>
    [IterationSetup(Target = nameof(SignedRefresh))]
    public void PrepareProofs()
    {
        _proofs = new string[Sessions];
        for (var i = 0; i < Sessions; i++)
        {
            var challenge = _manager.ChallengeDeviceAsync(_ids[i], default).GetAwaiter().GetResult()!;
            _proofs[i] = Sign(new { alg = "ES256", typ = "dbsc+jwt" }, challenge, EsSign);
        }

        _next = 0;
    }

    [Benchmark(Baseline = true, Description = "ES256 signature verification alone (key imported)")]
    public bool VerifyAlone() => _device.VerifyData(_esSigningInput, _esSignature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "ES256 key import from the stored JWK alone")]
    public bool ImportAlone() => DeviceBoundKey.TryVerify(_key.Jwk, _key.Algorithm, [], [], out _);

    [Benchmark(Description = "refresh proof check, ES256 (parse, import stored JWK, verify)")]
    public int ProofEs256() => (int)DeviceBoundProof.Verify(_esProof, _key, _fixedChallenge, null, DateTimeOffset.UtcNow, out _);

    [Benchmark(Description = "refresh proof check, RS256 2048")]
    public int ProofRs256() => (int)DeviceBoundProof.Verify(_rsProof, _rsaKey, _fixedChallenge, null, DateTimeOffset.UtcNow, out _);

    [Benchmark(Description = "refresh request 1: no proof -> 403 + challenge (handler, memory store)")]
    public Task<int> ChallengeRefresh() => Refresh(_challenged, null);

    [Benchmark(Description = "refresh request 2: ES256 proof -> next cookie (handler, memory store)")]
    public Task<int> SignedRefresh()
    {
        var i = _next++;
        return Refresh(_ids[i], _proofs[i]);
    }

    /// <summary>A POST to the refresh path through the scheme's handler, as the authentication middleware sends it; returns the status.</summary>
    private async Task<int> Refresh(string sessionId, string? proof)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = _refreshPath;
        context.Request.Headers[DeviceBoundHeaders.SessionId] = sessionId;
        if (proof is not null)
        {
            context.Request.Headers[DeviceBoundHeaders.Response] = proof;
        }

        var handler = (IAuthenticationRequestHandler)(await scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(context, Scheme))!;
        await handler.HandleRequestAsync();
        return context.Response.StatusCode;
    }

    private async Task<string> BindAsync(string userId)
    {
        var challenge = DeviceChallenge.Issue(DateTimeOffset.UtcNow);
        var created = await _manager.CreateAsync(new SessionCreateRequest { UserId = userId, DeviceChallenge = challenge });
        _ = await _manager.IssueDeviceCredentialAsync(created.Session, _key, new DeviceBoundSessionOptions(), default)
            ?? throw new InvalidOperationException("The session was not bound.");
        return created.Session.Id;
    }

    private byte[] EsSign(byte[] data) => _device.SignData(data, HashAlgorithmName.SHA256);

    private byte[] RsSign(byte[] data) => _rsaDevice.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static string Sign(object header, string challenge, Func<byte[], byte[]> sign)
    {
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(new { jti = challenge }));
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static void Require(DeviceProofRefusal refusal) => Require((int)refusal, (int)DeviceProofRefusal.None);

    private static void Require(int actual, int expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"The benchmark's fixture does not behave as named: {actual}, expected {expected}.");
        }
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
