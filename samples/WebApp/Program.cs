using System.Security.Claims;
using AspNetSessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using WebApp;

var builder = WebApplication.CreateBuilder(args);

// Never a stack trace to the client, even in Development: errors become RFC 7807 problem details.
builder.Services.AddProblemDetails();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

// Sessions: the "SessionAuth" section picks the store (Memory | Redis | EntityFrameworkCore), lifetimes, cookie and kinds.
// AddRedisStore() and AddEntityFrameworkCoreStore() make those available; SessionAuth:Store decides (appsettings.json
// says Memory). The database of the EF Core store: Database:Provider (Postgres | Sqlite), ConnectionStrings:Sessions.
builder.Services.AddSessionAuth(builder.Configuration.GetSection("SessionAuth"))
    .AddRedisStore()
    .AddEntityFrameworkCoreStore(db => SessionDatabase.Configure(db, builder.Configuration), model => model.MapKind(DemoUsers.ApiKeyScheme));
builder.Services.AddSingleton<DemoUsers>();
builder.Services.AddAuthorizationBuilder().AddPolicy("Admin", policy => policy.RequireRole("admin"));

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();   // GET / → wwwroot/index.html: the sign-in form and the session list (plain HTML + JS)
app.UseStaticFiles();
app.UseSessionAuth();

var api = app.MapGroup("/api");

// Bearer sign-in for API clients: the token is returned once, in the body.
api.MapPost("/login", async Task<Results<Ok<LoginResponse>, UnauthorizedHttpResult, BadRequest<string>>> (
    HttpContext context, DemoUsers users, ISessionManager sessions) =>
{
    var credentials = await LoginRequest.ReadAsync(context.Request);
    if (credentials is null)
    {
        return TypedResults.BadRequest("Expected a JSON body {\"username\": \"...\", \"password\": \"...\"}.");
    }

    if (!users.Verify(credentials.Username!, credentials.Password!))
    {
        return TypedResults.Unauthorized();
    }

    var created = await sessions.CreateAsync(new SessionCreateRequest
    {
        UserId = credentials.Username!,
        Claims = users.Roles(credentials.Username!),
        Metadata = SessionRequestMetadata.Capture(context),
    }, context.RequestAborted);
    return TypedResults.Ok(LoginResponse.From(created));
}).AllowAnonymous();

// Claims stored with the session feed ordinary policies: only admins (alice in the demo) get in; others get 403.
api.MapGet("/admin", (ClaimsPrincipal user) => new { userId = user.FindFirstValue(ClaimTypes.NameIdentifier), admin = true })
    .RequireAuthorization("Admin");

// Who am I: accepts a browser session (bearer or cookie) or an API key.
api.MapGet("/me", (ClaimsPrincipal user) => new
{
    userId = user.FindFirstValue(ClaimTypes.NameIdentifier),
    sessionId = user.FindFirstValue(SessionClaimTypes.SessionId),
    kind = user.FindFirstValue(SessionClaimTypes.Kind),
}).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = $"{SessionAuthenticationDefaults.AuthenticationScheme},{DemoUsers.ApiKeyScheme}" });

// The caller's own sessions: list, revoke one, revoke all others.
app.MapSessionEndpoints("/api/sessions");

// Logout: revokes the calling session (and clears the cookie if it came from one).
api.MapPost("/logout", async (HttpContext context) =>
{
    await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
    return Results.NoContent();
}).RequireAuthorization();

// A second session kind side by side: API keys (prefix "key_", no idle expiry), created from a browser session.
api.MapPost("/keys", async (ClaimsPrincipal user, [FromKeyedServices(DemoUsers.ApiKeyScheme)] ISessionManager keys, HttpContext context) =>
{
    var created = await keys.CreateAsync(new SessionCreateRequest
    {
        UserId = user.FindFirstValue(ClaimTypes.NameIdentifier)!,
        Metadata = SessionRequestMetadata.Capture(context),
    }, context.RequestAborted);
    return TypedResults.Ok(LoginResponse.From(created));
}).RequireAuthorization();
app.MapSessionEndpoints("/api/keys", DemoUsers.ApiKeyScheme, SessionAuthenticationDefaults.AuthenticationScheme);

// Browser sign-in: form post, cookie session (no fixation: a fresh session every time).
app.MapPost("/login", async (HttpContext context, DemoUsers users) =>
{
    if (!context.Request.HasFormContentType)
    {
        return Results.BadRequest();
    }

    var form = await context.Request.ReadFormAsync(context.RequestAborted);
    var username = form["username"].ToString();
    if (!users.Verify(username, form["password"].ToString()))
    {
        return Results.Redirect("/?error=1", permanent: false);
    }

    var claims = users.Roles(username).Select(c => new Claim(c.Type, c.Value)).Prepend(new Claim(ClaimTypes.NameIdentifier, username));
    var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "password"));
    await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal,
        new AuthenticationProperties { IsPersistent = true });
    return Results.Redirect("/", permanent: false);
}).AllowAnonymous().DisableAntiforgery();

// The session store's health (memory: always healthy; Redis: a PING with a timeout).
app.MapHealthChecks("/healthz");

app.MapPost("/logout", async (HttpContext context) =>
{
    await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
    return Results.Redirect("/", permanent: false);
});

// A bad configuration stops the app here with one line per problem (and exit code 1), not a stack trace.
if (!StartupCheck.Passes(app))
{
    return 1;
}

// The EF Core store's tables (when it is the store in use); a bad database setting is reported like the others.
if (!await SessionDatabase.CreateSchemaAsync(app))
{
    return 1;
}

app.Run();
return 0;

/// <summary>The sample's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
