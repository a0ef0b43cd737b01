using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BenchApp;

/// <summary>
/// The <c>trivial-handler</c> variant: any <c>Authorization</c> header yields the principal a session would (user id,
/// name, session id, kind, one role), from constants; no token check, no store. It measures what ASP.NET Core's
/// authentication and authorization middleware cost by themselves, which every real scheme pays on top.
/// The benchmarks compile this same file as their floor (test/AspNetSessions.Benchmarks, HandlerBenchmarks).
/// </summary>
internal sealed class TrivialHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, Microsoft.Extensions.Logging.ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Trivial";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        Add(identity, ClaimTypes.NameIdentifier, "alice");
        Add(identity, ClaimTypes.Name, "alice");
        Add(identity, "session_id", "K9gGbyerm4WhmYpYUPrJXw");
        Add(identity, "session_kind", "Session");
        Add(identity, ClaimTypes.Role, "user");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));

        static void Add(ClaimsIdentity identity, string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }
}
