using System.Diagnostics;
using System.Security.Claims;
using AspNetSessions.Stores;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The near-cache's hit against the memory store, in one run: <c>SessionManager.AuthenticateCoreAsync</c> for a valid
/// token through <c>AddSessionAuth()</c> with the memory store (the baseline), and through <c>AddRedisStore()</c> with
/// <c>SessionAuth:NearCache</c> on, its change channel live, on a redis-server the benchmark starts on a free loopback
/// port. Both are built by the real container as an app's are, and slide within the sliding granularity (a read).
/// Issue 15 wants the near-cache variants within 2 % of the memory variant over HTTP: this is that difference without
/// the HTTP noise.
/// </summary>
[MemoryDiagnoser]
public class NearCacheBenchmarks
{
    private RedisServerProcess _server = null!;
    private ServiceProvider _memory = null!;
    private ServiceProvider _nearCached = null!;
    private SessionManager _memoryManager = null!;
    private SessionManager _nearCachedManager = null!;
    private ReadOnlyMemory<char> _memoryToken;
    private ReadOnlyMemory<char> _nearCachedToken;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await RedisServerProcess.StartAsync();

        _memory = AppServices.Build(services => services.AddSessionAuth());
        _nearCached = AppServices.Build(services =>
        {
            services.AddSessionAuth().AddRedisStore(o => o.Configuration = _server.Configuration);
            services.Configure<SessionNearCacheOptions>(o => o.Enabled = true);
        });

        (_memoryManager, _memoryToken) = await SignInAsync(_memory);
        (_nearCachedManager, _nearCachedToken) = await SignInAsync(_nearCached);

        // Until the channel is live every lookup goes to Redis: wait for it, then fill the entry.
        var cache = (NearCacheSessionStore)_nearCached.GetRequiredService<ISessionStore>();
        var waiting = Stopwatch.StartNew();
        while (!cache.IsListening)
        {
            if (waiting.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("The near-cache's change channel did not come up within 10 s.");
            }

            await Task.Delay(20); // bounded polling of a real process: the channel's probe through redis-server
        }

        if ((await _nearCachedManager.AuthenticateCoreAsync(_nearCachedToken, default)).Session is null || cache.Count != 1
            || AppServices.Authenticate(_nearCachedManager, _nearCachedToken) is null)
        {
            throw new InvalidOperationException("The near-cache does not answer the session from memory.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _nearCached.DisposeAsync();
        await _memory.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "memory store")]
    public Session? Memory() => AppServices.Authenticate(_memoryManager, _memoryToken);

    [Benchmark(Description = "Redis store behind the near-cache (hit)")]
    public Session? NearCache() => AppServices.Authenticate(_nearCachedManager, _nearCachedToken);

    private static async Task<(SessionManager, ReadOnlyMemory<char>)> SignInAsync(IServiceProvider services)
    {
        var manager = AppServices.Manager(services);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", Claims = [new SessionClaim(ClaimTypes.Role, "user")] });
        return (manager, created.Token.AsMemory());
    }
}
