using System.Security.Claims;
using AspNetSessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the admin session endpoints: any user's sessions, listed and revoked, behind an authorization policy.</summary>
public static partial class SessionAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="pattern"/> and behind <paramref name="policy"/>:
    /// <c>GET users/{userId}/sessions</c> (200, that user's valid sessions of every covered kind, oldest first),
    /// <c>DELETE users/{userId}/sessions/{id}</c> (204; 404 when that session is not that user's) and
    /// <c>DELETE users/{userId}/sessions</c> (204: every session of that user, of every covered kind, is dead on its
    /// next request). Callers the policy refuses get 403, anonymous ones 401.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route prefix, e.g. <c>/api/admin</c>.</param>
    /// <param name="policy">The authorization policy an admin must meet.</param>
    /// <param name="schemes">The session schemes (kinds) covered; none means every session scheme of the app.</param>
    public static RouteGroupBuilder MapSessionAdminEndpoints(this IEndpointRouteBuilder endpoints, string pattern, string policy, params string[] schemes)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrEmpty(policy);
        ArgumentNullException.ThrowIfNull(schemes);

        var group = endpoints.MapGroup(pattern).RequireAuthorization(policy);
        var user = group.MapGroup("/users/{userId}/sessions");

        user.MapGet("/", async (string userId, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var all = new List<AspNetSessions.Session>();
            foreach (var manager in Managers(services, schemes))
            {
                all.AddRange(await manager.ListAsync(new SessionFilter { UserId = userId }, cancellationToken).ConfigureAwait(false));
            }

            return TypedResults.Ok(all.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).Select(AdminSessionInfo.From).ToArray());
        });

        user.MapDelete("/{id}", async (string userId, string id, ClaimsPrincipal admin, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            foreach (var manager in Managers(services, schemes))
            {
                if (await manager.FindByIdAsync(id, cancellationToken).ConfigureAwait(false) is { } session
                    && string.Equals(session.UserId, userId, StringComparison.Ordinal))
                {
                    var revoked = await manager.RevokeAsync(id, cancellationToken).ConfigureAwait(false);
                    Log.AdminRevokedSession(AuditLogger(services), Actor(admin), userId, id, manager.Kind, revoked ? 1 : 0);
                    return Results.NoContent();
                }
            }

            return Results.NotFound();
        });

        user.MapDelete("/", async (string userId, ClaimsPrincipal admin, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            foreach (var manager in Managers(services, schemes))
            {
                var count = await manager.RevokeAllAsync(userId, exceptSessionId: null, cancellationToken).ConfigureAwait(false);
                Log.AdminRevokedUserSessions(AuditLogger(services), Actor(admin), userId, manager.Kind, count);
            }

            return Results.NoContent();
        });

        return group;
    }

    /// <summary>The audit trail of admin revocations: who (the admin's user id) revoked what, and how many sessions.</summary>
    private static ILogger AuditLogger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("AspNetSessions.SessionAdmin");

    private static string Actor(ClaimsPrincipal admin) => admin.FindFirstValue(ClaimTypes.NameIdentifier) ?? admin.Identity?.Name ?? "(unknown)";

    private static IEnumerable<ISessionManager> Managers(IServiceProvider services, string[] schemes) =>
        (schemes.Length > 0 ? schemes : services.GetServices<SessionSchemeRegistration>().Select(r => r.Scheme).Distinct(StringComparer.Ordinal))
            .Select(scheme => services.GetRequiredKeyedService<ISessionManager>(scheme));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1020, EventName = "AdminRevokedSession", Level = LogLevel.Information,
            Message = "Admin {ActorUserId} revoked {Kind} session {SessionId} of user {TargetUserId} ({Count} revoked).")]
        public static partial void AdminRevokedSession(ILogger logger, string actorUserId, string targetUserId, string sessionId, string kind, int count);

        [LoggerMessage(EventId = 1021, EventName = "AdminRevokedUserSessions", Level = LogLevel.Information,
            Message = "Admin {ActorUserId} revoked every {Kind} session of user {TargetUserId} ({Count} revoked).")]
        public static partial void AdminRevokedUserSessions(ILogger logger, string actorUserId, string targetUserId, string kind, long count);
    }
}
