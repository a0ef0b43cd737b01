using System.Security.Claims;
using BenchApp;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The handler's hot path without ASP.NET Core around it: <c>SessionManager.AuthenticateCoreAsync</c> on the memory
/// store (parse, digest, one find-and-slide), for a valid token, an unknown one and a malformed one, with
/// <see cref="StoredSessions"/> other sessions in the store (the cost must not grow with it), and for a token drawn at
/// random from 4 096 of those sessions (every call a different session: the caches see what a busy server's do).
/// </summary>
[MemoryDiagnoser]
public class ManagerBenchmarks
{
    private ServiceProvider _services = null!;
    private SessionManager _manager = null!;
    private ReadOnlyMemory<char> _valid;
    private ReadOnlyMemory<char> _unknown;
    private ReadOnlyMemory<char> _malformed;
    private ReadOnlyMemory<char>[] _spread = [];
    private int _next;

    /// <summary>How many other sessions (10 per user) the store holds.</summary>
    [Params(1_000, 1_000_000)]
    public int StoredSessions { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _services = AppServices.Build(services => services.AddSessionAuth());
        _manager = AppServices.Manager(_services);

        var spread = new List<ReadOnlyMemory<char>>();
        var every = Math.Max(1, StoredSessions / 4096);
        for (var i = 0; i < StoredSessions; i++)
        {
            var other = await _manager.CreateAsync(new SessionCreateRequest { UserId = SignInShape.UserId(i / SignInShape.SessionsPerUser) });
            if (i % every == 0 && spread.Count < 4096)
            {
                spread.Add(other.Token.AsMemory());
            }
        }

        _spread = [.. spread];
        var created = await _manager.CreateAsync(new SessionCreateRequest { UserId = "alice", Claims = [new SessionClaim(ClaimTypes.Role, "user")] });
        _valid = created.Token.AsMemory();
        var revoked = await _manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await _manager.RevokeAsync(revoked.Session.Id);
        _unknown = revoked.Token.AsMemory();
        _malformed = (created.Token[..^2] + "AA").AsMemory();
        if ((await _manager.AuthenticateCoreAsync(_valid, default)).Session is null
            || (await _manager.AuthenticateCoreAsync(_unknown, default)).Session is not null
            || !(await _manager.AuthenticateCoreAsync(_malformed, default)).IsMalformed)
        {
            throw new InvalidOperationException("The fixture tokens do not behave as named.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _services.DisposeAsync();

    [Benchmark(Baseline = true, Description = "valid token")]
    public Session? Valid() => Authenticate(_valid);

    [Benchmark(Description = "unknown (revoked) token")]
    public Session? Unknown() => Authenticate(_unknown);

    [Benchmark(Description = "malformed token (no store access)")]
    public Session? Malformed() => Authenticate(_malformed);

    [Benchmark(Description = "valid token, a different stored session every call")]
    public Session? Spread() => Authenticate(_spread[_next++ % _spread.Length]);

    private Session? Authenticate(ReadOnlyMemory<char> token) => AppServices.Authenticate(_manager, token);
}
