using System.Security.Claims;
using AspNetSessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoints with which a signed-in user manages their own sessions.</summary>
public static class SessionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="pattern"/>: <c>GET</c> → the caller's valid sessions of the kind
    /// (<see cref="SessionInfo"/>, oldest first); <c>DELETE {id}</c> → 204 after revoking one of the caller's sessions,
    /// 404 for any other id (another user's sessions are never touched); <c>DELETE</c> → 204 after revoking all the
    /// caller's sessions except the current one. All require an authenticated caller.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route prefix, e.g. <c>/api/sessions</c>.</param>
    /// <param name="scheme">The session scheme whose sessions are managed; the default session scheme if null.</param>
    /// <param name="authenticationSchemes">
    /// Comma-separated schemes that may call the endpoints; defaults to <paramref name="scheme"/>. E.g. manage API keys
    /// (scheme <c>ApiKey</c>) from a browser session (scheme <c>Session</c>).
    /// </param>
    public static RouteGroupBuilder MapSessionEndpoints(
        this IEndpointRouteBuilder endpoints,
        string pattern = "/api/sessions",
        string? scheme = null,
        string? authenticationSchemes = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        scheme ??= SessionAuthenticationDefaults.AuthenticationScheme;
        var group = endpoints.MapGroup(pattern);
        group.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = authenticationSchemes ?? scheme });

        group.MapGet("/", async (ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var manager = services.GetRequiredKeyedService<ISessionManager>(scheme);
            var sessions = await manager.ListAsync(new SessionFilter { UserId = UserId(user) }, cancellationToken).ConfigureAwait(false);
            var current = CurrentSessionId(user, manager);
            return TypedResults.Ok(sessions.Select(s => SessionInfo.From(s, current)).ToArray());
        });

        group.MapDelete("/{id}", async (string id, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var manager = services.GetRequiredKeyedService<ISessionManager>(scheme);
            var session = await manager.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
            if (session is null || !string.Equals(session.UserId, UserId(user), StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            await manager.RevokeAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        });

        group.MapDelete("/", async (ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var manager = services.GetRequiredKeyedService<ISessionManager>(scheme);
            await manager.RevokeAllAsync(UserId(user), CurrentSessionId(user, manager), cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        });

        return group;
    }

    private static string UserId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller has no NameIdentifier claim.");

    /// <summary>The caller's session id, when the caller was authenticated by a session of the managed kind.</summary>
    private static string? CurrentSessionId(ClaimsPrincipal user, ISessionManager manager) =>
        user.FindFirstValue(SessionClaimTypes.Kind) == manager.Kind ? user.FindFirstValue(SessionClaimTypes.SessionId) : null;
}
