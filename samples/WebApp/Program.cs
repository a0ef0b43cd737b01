using System.Security.Claims;
using AspNetSessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebApp;

var builder = WebApplication.CreateBuilder(args);

// Never a stack trace to the client, even in Development: errors become RFC 7807 problem details.
builder.Services.AddProblemDetails();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

// Sessions: the "SessionAuth" section picks the store (Memory | Redis | EntityFrameworkCore), lifetimes, cookie and kinds.
// AddRedisStore() and AddEntityFrameworkCoreStore() make those available; SessionAuth:Store decides (appsettings.json
// says Memory). The database of the EF Core store: Database:Provider (Postgres | Sqlite), ConnectionStrings:Sessions.
// AddPostgreSqlChangeNotifications(): on PostgreSQL the EF Core store announces its changes (NOTIFY from triggers,
// LISTEN per instance), so SessionAuth:NearCache can be switched on there; SQLite has no such channel, and the
// near-cache is refused at startup over it. AddPostgreSqlLookups(): on PostgreSQL each request's lookup is one prepared
// statement below EF Core (a slide included), whatever the connection string; on SQLite nothing changes.
builder.Services.AddSessionAuth(builder.Configuration.GetSection("SessionAuth"))
    .AddRedisStore()
    .AddEntityFrameworkCoreStore(db => SessionDatabase.Configure(db, builder.Configuration), model => model.MapKind(DemoUsers.ApiKeyScheme))
    .AddPostgreSqlLookups()
    .AddPostgreSqlChangeNotifications();

builder.Services.AddSingleton<DemoUsers>();

// SignalR: every hub connection authenticated by a session is aborted when that session ends (revoked, expired or
// rotated away), on whichever instance holds it (docs/live-connections.md).
builder.Services.AddSignalR().CloseOnSessionEnd();

// A new-device sign-in (SessionCreatedContext.IsNewDevice) is logged, with the device and a coarse location: where a
// real app emails the user. The location comes from an ISessionLocationResolver: here a stub, in a real app a GeoIP lookup.
builder.Services.AddSingleton<IConfigureOptions<SessionAuthenticationOptions>, NewDeviceSignIns>();
builder.Services.AddSingleton<ISessionLocationResolver, DemoLocationResolver>();

// Behind a reverse proxy, the client's address is in X-Forwarded-For: UseForwardedHeaders (first in the pipeline,
// before UseSessionAuth) puts it into Connection.RemoteIpAddress, so the IP recorded with each session is the
// client's, not the proxy's. Only proxies listed here are believed: loopback by default (a proxy on this machine),
// more through ForwardedHeaders:KnownProxies (IP addresses). Anyone else's X-Forwarded-For is ignored.
string[] KnownProxies() => builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
builder.Services.AddOptions<ForwardedHeadersOptions>()
    .Configure(options =>
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in KnownProxies())
        {
            if (System.Net.IPAddress.TryParse(proxy, out var address))
            {
                options.KnownProxies.Add(address);
            }
        }
    })
    // Checked at startup, with the other settings: a mistyped proxy address must not turn every request into a 500.
    .Validate(options => KnownProxies().All(p => System.Net.IPAddress.TryParse(p, out var _)),
        "ForwardedHeaders:KnownProxies must list IP addresses such as '10.0.0.5'.")
    .ValidateOnStart();
builder.Services.AddAuthorizationBuilder().AddPolicy("Admin", policy => policy.RequireRole("admin"))
    // API keys (issue #14): either kind of session; a key must hold the scope, a browser session is unrestricted.
    .AddPolicy(ApiKeyEndpoints.OrdersReadPolicy, policy => policy
        .AddAuthenticationSchemes(SessionAuthenticationDefaults.AuthenticationScheme, DemoUsers.ApiKeyScheme)
        .RequireAuthenticatedUser()
        .RequireSessionScope("orders:read"))
    // Device-bound sessions (issue #26, DBSC): only a session whose browser bound it to a device key.
    .AddPolicy("DeviceBound", policy => policy.RequireDeviceBoundSession());

// Step-up (RFC 9470): POST /api/account/sensitive needs an authentication within Sample:StepUpMaxAge (default 00:05:00),
// checked at startup. The policy is built when first used, from the validated options.
builder.Services.AddOptions<StepUpOptions>().Configure(o => StepUpOptions.Read(o, builder.Configuration)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<StepUpOptions>, StepUpOptions.Validator>();
builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<StepUpOptions>>((o, stepUp) => o.AddPolicy(StepUpOptions.Policy,
    policy => policy.AddAuthenticationSchemes(SessionAuthenticationDefaults.AuthenticationScheme).RequireRecentAuthentication(stepUp.Value.MaxAge)));

// OpenTelemetry: the library's meter and activity source (both "AspNetSessions") next to ASP.NET Core's, so a store
// call shows up as a child span of the request that made it. OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the
// exporter reads the standard OTEL_* variables), the console when Telemetry:Console=true (opt-in: it prints every
// span and metric), nowhere otherwise.
var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
var console = !otlp && builder.Configuration.GetValue<bool>("Telemetry:Console");
var telemetry = builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
    .WithMetrics(metrics =>
    {
        metrics.AddMeter("AspNetSessions").AddAspNetCoreInstrumentation();
        if (console)
        {
            metrics.AddConsoleExporter();
        }
    })
    .WithTracing(tracing =>
    {
        tracing.AddSource("AspNetSessions").AddAspNetCoreInstrumentation();
        if (console)
        {
            tracing.AddConsoleExporter();
        }
    });
if (otlp)
{
    telemetry.UseOtlpExporter();
}

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
// No other site may frame the page (clickjacking its sign-in form or its sign-out buttons): both the legacy header and CSP.
app.Use((context, next) =>
{
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
    return next(context);
});
app.UseDeviceCookie();   // GET / without one: a random __Host-device id for this browser (new-device sign-ins)
app.UseDefaultFiles();   // GET / → wwwroot/index.html: the sign-in form and the session list (plain HTML + JS)
app.UseStaticFiles();
app.UseWebSockets();
app.UseSessionAuth();

var api = app.MapGroup("/api");

// Bearer sign-in for API clients: the token is returned once, in the body.
api.MapPost("/login", async Task<Results<Ok<LoginResponse>, UnauthorizedHttpResult, BadRequest<string>>> (
    HttpContext context, DemoUsers users, ISessionManager sessions, IOptionsMonitor<SessionAuthenticationOptions> options) =>
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
        // User agent and IP are personal data: recorded only while SessionAuth:CaptureRequestMetadata is on (the
        // default), as SignInAsync does for the browser sign-in; kept as long as the session, deleted with it.
        Metadata = options.Get(SessionAuthenticationDefaults.AuthenticationScheme).CaptureRequestMetadata ? SessionRequestMetadata.Capture(context) : null,
    }, context.RequestAborted);
    return LoginResponse.Send(context.Response, created);
}).AllowAnonymous();

// Claims stored with the session feed ordinary policies: only admins (alice in the demo) get in; others get 403.
api.MapGet("/admin", (ClaimsPrincipal user) => new { userId = user.FindFirstValue(ClaimTypes.NameIdentifier), admin = true })
    .RequireAuthorization("Admin");

// Admin session management behind the Admin policy: any user's sessions (both kinds) listed, one revoked, or all.
app.MapSessionAdminEndpoints("/api/admin", "Admin");

// Who am I: accepts a browser session (bearer or cookie) or an API key.
api.MapGet("/me", (ClaimsPrincipal user) => new
{
    userId = user.FindFirstValue(ClaimTypes.NameIdentifier),
    sessionId = user.FindFirstValue(SessionClaimTypes.SessionId),
    kind = user.FindFirstValue(SessionClaimTypes.Kind),
}).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = $"{SessionAuthenticationDefaults.AuthenticationScheme},{DemoUsers.ApiKeyScheme}" });

// A WebSocket authenticated by the session (bearer or cookie): hello on connect, then an echo. Revoking the session (or
// rotating its token) closes it with 1008 on whichever instance holds it; a revoked token cannot open one (401).
api.Map("/live", LiveEndpoint.RunAsync).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionAuthenticationDefaults.AuthenticationScheme });

// The same for SignalR: a hub whose connections are aborted when their session ends (LiveHub requires a session).
app.MapHub<LiveHub>("/hubs/live");

// The caller's own sessions: list, revoke one, revoke all others.
app.MapSessionEndpoints("/api/sessions");

// The recipe apps need most: the password changed → every other browser session of this user is revoked (a thief's
// copy of a token dies with the old password), and the calling session gets a new token (the one that changed the
// password stops working: a privilege change rotates the token, as OWASP advises). A bearer caller gets the new token in
// the body (200, the login's shape); a cookie caller gets it in a new cookie (204). API keys are separate credentials
// and are kept (revoke them with the keys manager too if your policy says so).
api.MapPost("/account/password", async Task<Results<Ok<LoginResponse>, NoContent, BadRequest<string>, ForbidHttpResult, UnauthorizedHttpResult>> (
    PasswordChangeRequest? change, HttpContext context, DemoUsers users, ISessionManager sessions) =>
{
    if (change is not { CurrentPassword: { } current, NewPassword: { } replacement })
    {
        return TypedResults.BadRequest("Expected a JSON body {\"currentPassword\": \"...\", \"newPassword\": \"...\"}.");
    }

    var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
    if (!users.ChangePassword(userId, current, replacement))
    {
        return TypedResults.Forbid();
    }

    // Not the request's token: a client that goes away mid-request must not leave the other sessions alive.
    await sessions.RevokeAllAsync(userId, exceptSessionId: context.User.FindFirstValue(SessionClaimTypes.SessionId), CancellationToken.None);
    if (await context.RotateSessionAsync() is not { } rotated)
    {
        return TypedResults.Unauthorized();
    }

    return LoginResponse.Rotated(context, rotated) is { } withToken ? withToken : TypedResults.NoContent();
}).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionAuthenticationDefaults.AuthenticationScheme });

// Step-up: the signed-in user proves who they are again (here: the password); the calling session is marked freshly
// authenticated and, being more privileged now, gets a new token (200 with it for a bearer caller, 204 and a new
// cookie for a cookie caller; the old token stops working). A wrong password is a 400 with problem details, not a
// 401: the session is still good, only this proof failed.
api.MapPost("/reauthenticate", async Task<Results<Ok<LoginResponse>, NoContent, ProblemHttpResult, UnauthorizedHttpResult>> (
    ReauthenticateRequest? body, HttpContext context, DemoUsers users, ISessionManager sessions) =>
{
    if (body is not { Password: { } password })
    {
        return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Expected a JSON body {\"password\": \"...\"}.");
    }

    if (!users.Verify(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, password))
    {
        return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The password is not correct.");
    }

    // Null only when the session was revoked or expired since this request was authenticated.
    if (await sessions.ReauthenticateAsync(context.User.FindFirstValue(SessionClaimTypes.SessionId)!, CancellationToken.None) is null
        || await context.RotateSessionAsync() is not { } rotated)
    {
        return TypedResults.Unauthorized();
    }

    return LoginResponse.Rotated(context, rotated) is { } withToken ? withToken : TypedResults.NoContent();
}).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionAuthenticationDefaults.AuthenticationScheme });

// A sensitive action: 204 when the user authenticated within Sample:StepUpMaxAge; otherwise 401 with
// WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age=<seconds> (a browser navigation would be
// sent to the sign-in page instead), and POST /api/reauthenticate makes it pass.
api.MapPost("/account/sensitive", () => TypedResults.NoContent()).RequireAuthorization(StepUpOptions.Policy);

// Logout: revokes the calling session (and clears the cookie if it came from one).
api.MapPost("/logout", async (HttpContext context) =>
{
    await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
    return Results.NoContent();
}).RequireAuthorization();

// A second session kind side by side: API keys (prefix "key_", no idle expiry, named and scoped), managed from a
// browser session: POST/GET/DELETE /api/keys, and GET /api/orders that needs the orders:read scope (ApiKeyEndpoints).
app.MapApiKeys();

// Browser sign-in: form post, cookie session (no fixation: a fresh session every time). Everything the request carries
// is checked before the session is created: a malformed body is a 400, a return URL that is not one of our own pages
// (an open redirect, CR/LF, NUL, a bidi override) sends the browser to "/" instead; neither leaves a session behind.
app.MapPost("/login", async (HttpContext context, DemoUsers users) =>
{
    if (!context.Request.HasFormContentType)
    {
        return Results.BadRequest();
    }

    IFormCollection form;
    try
    {
        form = await context.Request.ReadFormAsync(context.RequestAborted);
    }
    catch (Exception e) when (e is InvalidDataException or IOException)
    {
        return Results.BadRequest(); // a broken or truncated multipart body, or a field over the form limits
    }

    var returnUrl = form["ReturnUrl"] is { Count: 1 } values && SessionReturnUrl.IsLocal(values[0]) ? values[0]! : "/";
    var username = form["username"].ToString();
    if (!users.Verify(username, form["password"].ToString()))
    {
        return Results.Redirect("/?error=1", permanent: false);
    }

    var claims = users.Roles(username).Select(c => new Claim(c.Type, c.Value)).Prepend(new Claim(ClaimTypes.NameIdentifier, username));
    var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "password"));
    await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal,
        new AuthenticationProperties { IsPersistent = true });
    return Results.LocalRedirect(returnUrl);
}).AllowAnonymous().DisableAntiforgery();

// An HTML page that needs a session: a signed-out browser is redirected to the sign-in page (LoginPath "/") with
// ?ReturnUrl=%2Faccount, and comes back here after signing in; API clients get 401 with a WWW-Authenticate challenge.
app.MapGet("/account", (ClaimsPrincipal user) => Results.Content(
    $"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Your account</title><link rel="stylesheet" href="/app.css"></head>
    <body><main><h1>Your account</h1><p>Signed in as <strong>{System.Net.WebUtility.HtmlEncode(user.FindFirstValue(ClaimTypes.NameIdentifier))}</strong>.</p>
    <p><a href="/">Your sessions</a></p></main></body></html>
    """, "text/html; charset=utf-8")).RequireAuthorization();

// A page only a device-bound session may open (SessionAuth:DeviceBound:Enabled): a browser with DBSC registers its key
// right after sign-in; one without it (or before registering) gets 403, and a stolen cookie stops working within minutes.
app.MapGet("/account/device", (ClaimsPrincipal user) => Results.Content(
    $"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Device-bound</title><link rel="stylesheet" href="/app.css"></head>
    <body><main><h1>Device-bound session</h1><p><strong>{System.Net.WebUtility.HtmlEncode(user.FindFirstValue(ClaimTypes.NameIdentifier))}</strong>, this session is bound to a key this device holds.</p>
    <p><a href="/">Your sessions</a></p></main></body></html>
    """, "text/html; charset=utf-8")).RequireAuthorization("DeviceBound");

// The session store's health (memory: always healthy; Redis: a PING with a timeout).
app.MapHealthChecks("/healthz");

app.MapPost("/logout", async (HttpContext context) =>
{
    await context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme);
    return Results.Redirect("/", permanent: false);
});

// A bad configuration stops the app here with one line per problem (and exit code 1), not a stack trace.
if (!app.ValidateConfiguration())
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
