using System.Globalization;
using System.Security.Claims;
using AspNetSessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace WebApp;

/// <summary>
/// API keys as a product (issue #14): created, listed and revoked from a browser session; each key has a name, the
/// scopes it may use (the ApiKey kind declares <c>orders:read</c> and <c>orders:write</c>) and at most the kind's lifetime.
/// </summary>
public static class ApiKeyEndpoints
{
    /// <summary>The policy of <c>GET /api/orders</c>: a browser session (unrestricted) or an API key holding <c>orders:read</c>.</summary>
    public const string OrdersReadPolicy = "OrdersRead";

    public static void MapApiKeys(this WebApplication app)
    {
        var keys = app.MapGroup("/api/keys").RequireAuthorization();

        // POST {"name", "scopes", "lifetime"?} → 200 {"token", "session": {"id", "expiresAt"}}; a bad name, scope or lifetime → 400.
        // A key is a long-lived credential: creating one needs a recent sign-in (the step-up policy: 401 with max_age, then
        // POST /api/reauthenticate), and the key is only as fresh as that sign-in, never fresh because it was just created.
        keys.MapPost("/", async Task<Results<Ok<LoginResponse>, BadRequest<string>>> (ClaimsPrincipal user, HttpContext context,
            [FromKeyedServices(DemoUsers.ApiKeyScheme)] ISessionManager manager, IOptionsMonitor<SessionAuthenticationOptions> options) =>
        {
            var (request, error) = await ApiKeyRequest.ReadAsync(context.Request);
            if (request is null)
            {
                return TypedResults.BadRequest(error);
            }

            CreatedSession created;
            try
            {
                created = await manager.CreateAsync(new SessionCreateRequest
                {
                    UserId = user.FindFirstValue(ClaimTypes.NameIdentifier)!,
                    Name = request.Name,
                    Scopes = request.Scopes,
                    Lifetime = request.Lifetime,
                    // The creating session's auth_time (Unix seconds; the step-up policy above ensures there is one).
                    AuthenticatedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(user.FindFirstValue(SessionClaimTypes.AuthenticationTime)!, CultureInfo.InvariantCulture)),
                    Metadata = options.Get(DemoUsers.ApiKeyScheme).CaptureRequestMetadata ? SessionRequestMetadata.Capture(context) : null,
                }, context.RequestAborted);
            }
            catch (ArgumentException e)
            {
                // The manager's checks of name, scopes and lifetime (its messages name the rule, never a token).
                return TypedResults.BadRequest(e.Message.Replace(" (Parameter 'request')", string.Empty, StringComparison.Ordinal));
            }

            return LoginResponse.Send(context.Response, created);
        }).RequireAuthorization(StepUpOptions.Policy);

        // GET → the caller's valid keys, oldest first.
        keys.MapGet("/", async (ClaimsPrincipal user, [FromKeyedServices(DemoUsers.ApiKeyScheme)] ISessionManager manager, CancellationToken cancellationToken) =>
        {
            var sessions = await manager.ListAsync(new SessionFilter { UserId = user.FindFirstValue(ClaimTypes.NameIdentifier)! }, cancellationToken);
            return TypedResults.Ok(sessions.Select(ApiKeyInfo.From).ToArray());
        });

        // DELETE {id} → 204 for one of the caller's keys, 404 for any other id; DELETE → 204 after revoking all of them.
        keys.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, ClaimsPrincipal user,
            [FromKeyedServices(DemoUsers.ApiKeyScheme)] ISessionManager manager, CancellationToken cancellationToken) =>
        {
            var key = await manager.FindByIdAsync(id, cancellationToken);
            if (key is null || key.UserId != user.FindFirstValue(ClaimTypes.NameIdentifier))
            {
                return TypedResults.NotFound();
            }

            await manager.RevokeAsync(id, cancellationToken);
            return TypedResults.NoContent();
        });
        keys.MapDelete("/", async (ClaimsPrincipal user, [FromKeyedServices(DemoUsers.ApiKeyScheme)] ISessionManager manager, CancellationToken cancellationToken) =>
        {
            await manager.RevokeAllAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken: cancellationToken);
            return TypedResults.NoContent();
        });

        // Demo orders behind the scope: 200 for a browser session or a key with orders:read; a key without it → 403 with
        // WWW-Authenticate: Bearer error="insufficient_scope", scope="orders:read".
        app.MapGet("/api/orders", (ClaimsPrincipal user) => new[]
        {
            new { id = "o-1001", userId = user.FindFirstValue(ClaimTypes.NameIdentifier), item = "Espresso beans, 1 kg", total = 24.90m },
            new { id = "o-1002", userId = user.FindFirstValue(ClaimTypes.NameIdentifier), item = "Milk frother", total = 39.00m },
        }).RequireAuthorization(OrdersReadPolicy);
    }
}
