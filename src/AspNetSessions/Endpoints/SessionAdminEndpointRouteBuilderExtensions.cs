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
    /// <summary>The page size of <c>GET sessions</c> when the request names none.</summary>
    public const int DefaultPageLimit = 50;

    /// <summary>The largest page <c>GET sessions</c> serves.</summary>
    public const int MaxPageLimit = 500;

    /// <summary>
    /// Maps, under <paramref name="pattern"/> and behind <paramref name="policy"/>:
    /// <c>GET sessions?limit=&amp;cursor=&amp;userId=&amp;kind=</c> (200, one page of every valid session of the covered
    /// kinds, or of one user or one kind: <c>{"items": [...], "next": cursor or null}</c>, oldest first within a kind,
    /// the kinds one after another (a page may span two); <c>limit</c> 1 to <see cref="MaxPageLimit"/>, <see cref="DefaultPageLimit"/> by
    /// default; a bad limit, kind or cursor is a 400 problem),
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
        group.MapGet("/sessions", async (string? limit, string? cursor, string? userId, string? kind, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var managers = Managers(services, schemes).ToList();
            if (!TryParseLimit(limit, out var size))
            {
                return BadRequest("Invalid limit", $"limit must be a whole number from 1 to {MaxPageLimit}; got '{limit}'.");
            }

            if (kind is not null && !managers.Any(m => m.Kind == kind))
            {
                return BadRequest("Unknown kind", $"kind '{kind}' is not a session kind these endpoints cover ({string.Join(", ", managers.Select(m => m.Kind))}).");
            }

            var kinds = managers.Where(m => kind is null || m.Kind == kind).ToList();
            if (!AdminCursor.TryRead(cursor, kinds, out var at, out var managerCursor))
            {
                return BadRequest("Invalid cursor", "The cursor was not issued for this listing (it is damaged, forged, or from another kind or filter); start again without a cursor.");
            }

            try
            {
                // A kind that ends with room left on the page hands over to the next kind within the same page.
                var items = new List<AdminSessionInfo>();
                string? next = null;
                for (; at < kinds.Count && items.Count < size && next is null; at++, managerCursor = null)
                {
                    var page = await kinds[at].ListPageAsync(new SessionFilter { UserId = userId }, size - items.Count, managerCursor, cancellationToken).ConfigureAwait(false);
                    items.AddRange(page.Items.Select(AdminSessionInfo.From));
                    next = page.Next is null ? null : AdminCursor.Write(kinds[at].Kind, page.Next);
                }

                if (next is null && at < kinds.Count)
                {
                    next = AdminCursor.Write(kinds[at].Kind, managerCursor: null);
                }

                return TypedResults.Ok(new SessionPage<AdminSessionInfo>(items, next));
            }
            catch (SessionCursorException e)
            {
                return BadRequest("Invalid cursor", e.Message);
            }
        });

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

    private static bool TryParseLimit(string? text, out int limit)
    {
        limit = DefaultPageLimit;
        return text is null || (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxPageLimit);
    }

    private static IResult BadRequest(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

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
