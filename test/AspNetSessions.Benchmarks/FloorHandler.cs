using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The least a successful authentication handler can do: any Authorization header yields the same principal the
/// session handler builds (user id, name, session id, kind, one role), from constants. What it costs is ASP.NET
/// Core's own per-request price of a success, which every scheme pays.
/// </summary>
internal sealed class FloorHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Floor";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        Add(identity, ClaimTypes.NameIdentifier, "alice");
        Add(identity, ClaimTypes.Name, "alice");
        Add(identity, SessionClaimTypes.SessionId, "K9gGbyerm4WhmYpYUPrJXw");
        Add(identity, SessionClaimTypes.Kind, "Session");
        Add(identity, ClaimTypes.Role, "user");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));

        static void Add(ClaimsIdentity identity, string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }
}
