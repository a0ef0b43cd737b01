using BenchApp;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// What one request pays for authentication: the real <c>SessionAuthenticationHandler</c> behind
/// <see cref="IAuthenticationService.AuthenticateAsync"/>, resolved from a real container (<c>AddSessionAuth()</c>,
/// memory store), with a fresh request scope and <see cref="DefaultHttpContext"/> per call as ASP.NET Core makes
/// them. The baseline is the same call without a token (NoResult): the difference is the sessions' own cost.
/// For scale, a trivial handler that builds the same principal from constants (no token, no store) shows what any
/// successful authentication costs in ASP.NET Core: principal, ticket, result, claims transformation.
/// </summary>
[MemoryDiagnoser]
public class HandlerBenchmarks
{
    private const string Session = SessionAuthenticationDefaults.AuthenticationScheme;

    private ServiceProvider _services = null!;
    private string _authorization = string.Empty;
    private string _cookie = string.Empty;

    [GlobalSetup]
    public async Task Setup()
    {
        _services = AppServices.Build(services => services.AddSessionAuth().Authentication
            .AddScheme<AuthenticationSchemeOptions, TrivialHandler>(TrivialHandler.SchemeName, null));

        var created = await _services.GetRequiredService<ISessionManager>().CreateAsync(new SessionCreateRequest
        {
            UserId = "alice",
            Claims = [new SessionClaim(ClaimTypes.Role, "user")],
        });
        _authorization = "Bearer " + created.Token;
        _cookie = SessionAuthenticationDefaults.CookieName + "=" + created.Token;

        // Fail fast if a variant does not do what it claims.
        Check(await Authenticate(Session, null, null), expectSuccess: false);
        Check(await Authenticate(Session, _authorization, null), expectSuccess: true);
        Check(await Authenticate(Session, null, _cookie), expectSuccess: true);
        Check(await Authenticate(Session, null, null), expectSuccess: false); // nothing carried over from one request to the next
        Check(await Authenticate(TrivialHandler.SchemeName, _authorization, null), expectSuccess: true);
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _services.DisposeAsync();

    [Benchmark(Baseline = true, Description = "no token (NoResult)")]
    public Task<AuthenticateResult> NoToken() => Authenticate(Session, null, null);

    [Benchmark(Description = "bearer, memory store")]
    public Task<AuthenticateResult> Bearer() => Authenticate(Session, _authorization, null);

    [Benchmark(Description = "cookie, memory store")]
    public Task<AuthenticateResult> Cookie() => Authenticate(Session, null, _cookie);

    [Benchmark(Description = "reference: trivial handler, same principal")]
    public Task<AuthenticateResult> Floor() => Authenticate(TrivialHandler.SchemeName, _authorization, null);

    private async Task<AuthenticateResult> Authenticate(string scheme, string? authorization, string? cookie)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Get;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        // What the authentication middleware does: the request scope's IAuthenticationService, then the handler.
        return await context.AuthenticateAsync(scheme);
    }

    private static void Check(AuthenticateResult result, bool expectSuccess)
    {
        if (result.Succeeded != expectSuccess || (!expectSuccess && !result.None))
        {
            throw new InvalidOperationException($"Unexpected authentication result: succeeded={result.Succeeded}, none={result.None}, failure={result.Failure?.Message}.");
        }
    }
}
