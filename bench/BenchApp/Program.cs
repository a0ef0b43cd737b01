using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AspNetSessions;
using AspNetSessions.EntityFrameworkCore;
using BenchApp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

// One process serves GET /hello ("hello") under ONE authentication variant, so that variants never share a process
// (or a heap, or a thread pool) while one of them is measured:
//   dotnet BenchApp.dll --variant sessions-memory-bearer --urls http://127.0.0.1:0
// POST /credential signs "alice" in through the variant's own sign-in and answers the one request header that
// authenticates her (e.g. "Authorization: Bearer sess_..." or "Cookie: ..."), which wrk then sends on every request.
// --preload N (a sessions-*-bearer variant): N sessions of the sample's sign-in shape are stored before the app listens,
// and GET /credentials answers the headers of --in-use of them (Preload), for a load over many sessions.
var builder = WebApplication.CreateBuilder(args);
var variant = builder.Configuration["variant"] ?? Environment.GetEnvironmentVariable("BENCH_VARIANT") ?? "none";
var preload = int.Parse(builder.Configuration["preload"] ?? Environment.GetEnvironmentVariable("BENCH_PRELOAD") ?? "0", CultureInfo.InvariantCulture);
var inUse = int.Parse(builder.Configuration["in-use"] ?? Environment.GetEnvironmentVariable("BENCH_IN_USE") ?? Preload.DefaultInUse.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
builder.Logging.SetMinimumLevel(LogLevel.Warning); // no per-request logging in any variant

string? scheme = null;
switch (variant)
{
    case "none":
        break;
    case "trivial-handler":
        builder.Services.AddAuthentication(TrivialHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TrivialHandler>(TrivialHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        scheme = TrivialHandler.SchemeName;
        break;
    case "sessions-memory-bearer":
    case "sessions-memory-cookie":
        builder.Services.AddSessionAuth(); // memory store (the default)
        scheme = SessionAuthenticationDefaults.AuthenticationScheme;
        break;
    case "sessions-redis-bearer":
    case "sessions-redis-nearcache-bearer":
        // SessionAuth__Redis__Configuration=127.0.0.1:PORT (the load script starts its own redis-server).
        builder.Services.AddSessionAuth(builder.Configuration.GetSection("SessionAuth")).AddRedisStore();
        scheme = SessionAuthenticationDefaults.AuthenticationScheme;
        break;
    case "sessions-postgres-bearer":
    case "sessions-postgres-nearcache-bearer":
        // ConnectionStrings__Sessions=Host=127.0.0.1;Port=PORT;... (the load script starts its own throwaway PostgreSQL).
        var postgres = builder.Services.AddSessionAuth(builder.Configuration.GetSection("SessionAuth"))
            .AddEntityFrameworkCoreStore(db => db.UseNpgsql(builder.Configuration.GetConnectionString("Sessions")))
            .AddPostgreSqlLookups(); // each lookup one prepared statement below EF Core, with a plain connection string
        if (variant == "sessions-postgres-nearcache-bearer")
        {
            postgres.AddPostgreSqlChangeNotifications(); // NOTIFY triggers + LISTEN: what the near-cache needs
        }

        scheme = SessionAuthenticationDefaults.AuthenticationScheme;
        break;
    case "bearertoken":
        builder.Services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme).AddBearerToken();
        builder.Services.AddAuthorization();
        scheme = BearerTokenDefaults.AuthenticationScheme;
        break;
    case "cookie":
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(Answer401);
        builder.Services.AddAuthorization();
        scheme = CookieAuthenticationDefaults.AuthenticationScheme;
        break;
    case "cookie-ticketstore":
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                Answer401(o);
                o.SessionStore = new MemoryTicketStore();
            });
        builder.Services.AddAuthorization();
        scheme = CookieAuthenticationDefaults.AuthenticationScheme;
        break;
    case "cookie-redis-ticketstore":
        // The same redis-server as sessions-redis-bearer, through RedisCache (IDistributedCache).
        builder.Services.AddStackExchangeRedisCache(o => o.Configuration = builder.Configuration["SessionAuth:Redis:Configuration"]);
        builder.Services.AddSingleton<DistributedCacheTicketStore>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<DistributedCacheTicketStore>((o, store) =>
            {
                Answer401(o);
                o.SessionStore = store;
            });
        builder.Services.AddAuthorization();
        scheme = CookieAuthenticationDefaults.AuthenticationScheme;
        break;
    default:
        Console.Error.WriteLine($"Unknown variant '{variant}'.");
        return 2;
}

// The *-nearcache-* variants: the same store with SessionAuth:NearCache on, at its defaults.
var nearCache = variant.Contains("-nearcache-", StringComparison.Ordinal);
if (nearCache)
{
    builder.Services.Configure<SessionNearCacheOptions>(o => o.Enabled = true);
}

var app = builder.Build();
if (variant.StartsWith("sessions-postgres-", StringComparison.Ordinal))
{
    await using var context = await app.Services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync();
    await context.Database.EnsureCreatedAsync();
}
string[]? preloaded = null;
if (preload > 0)
{
    if (scheme != SessionAuthenticationDefaults.AuthenticationScheme || !variant.EndsWith("-bearer", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"--preload needs a sessions-*-bearer variant, not '{variant}'.");
        return 2;
    }

    preloaded = await Preload.RunAsync(app.Services.GetRequiredService<ISessionManager>(), preload, inUse,
        variant.StartsWith("sessions-postgres-", StringComparison.Ordinal) ? Preload.PostgresInFlight : Preload.InFlight, app.Lifetime.ApplicationStopping);
}

if (scheme == SessionAuthenticationDefaults.AuthenticationScheme)
{
    app.UseSessionAuth();
}
else if (scheme is not null)
{
    app.UseAuthentication();
    app.UseAuthorization();
}

var hello = app.MapGet("/hello", () => "hello");
if (scheme is not null)
{
    hello.RequireAuthorization();
}

app.MapPost("/credential", async (HttpContext context) =>
{
    if (scheme is null)
    {
        return Results.Text("X-None: none");
    }

    if (scheme == TrivialHandler.SchemeName)
    {
        return Results.Text("Authorization: Trivial anything");
    }

    var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, "user")],
        "password"));
    var body = context.Response.Body;
    using var captured = new MemoryStream();
    context.Response.Body = captured; // AddBearerToken's sign-in writes its token response as JSON
    try
    {
        await context.SignInAsync(scheme, principal);
    }
    finally
    {
        context.Response.Body = body;
    }

    var header = variant switch
    {
        "sessions-memory-bearer" or "sessions-redis-bearer" or "sessions-postgres-bearer"
            or "sessions-redis-nearcache-bearer" or "sessions-postgres-nearcache-bearer" =>
            "Authorization: Bearer " + context.Features.GetRequiredFeature<ISessionSignInFeature>().Created.Token,
        "bearertoken" => "Authorization: Bearer " + JsonDocument.Parse(captured.ToArray()).RootElement.GetProperty("accessToken").GetString(),
        _ => "Cookie: " + string.Join("; ", context.Response.Headers.SetCookie.Select(c => c!.Split(';', 2)[0])),
    };
    context.Response.Headers.Remove("Set-Cookie");
    context.Response.Headers.Remove("Content-Type");
    return Results.Text(header);
}).AllowAnonymous();

// The preloaded sessions' headers in use, one a line (404 without --preload).
app.MapGet("/credentials", () => preloaded is null ? Results.NotFound() : Results.Text(string.Join('\n', preloaded) + "\n")).AllowAnonymous();

// What the garbage collector is and has done (the scale load reports it beside p99: a large heap's collections show there).
app.MapGet("/gc", () => Results.Text(Preload.Collector())).AllowAnonymous();

// Signs the presented session out (the revocation-lag measurement signs out on one instance, then asks another).
app.MapPost("/signout", async (HttpContext context) =>
{
    await context.SignOutAsync(scheme!);
    return Results.NoContent();
}).RequireAuthorization();

// The near-cache variants report ready only once their change channel is live (until then every lookup goes to the
// store): a probe session authenticated twice must be answered from the cache the second time, as the public
// aspnetsessions.nearcache.hits counter shows.
long nearCacheHits = 0;
using var hitsListener = new MeterListener
{
    InstrumentPublished = static (instrument, listener) =>
    {
        if (instrument.Name == "aspnetsessions.nearcache.hits")
        {
            listener.EnableMeasurementEvents(instrument);
        }
    },
};
hitsListener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref nearCacheHits, value));
hitsListener.Start();
app.MapGet("/ready", async (IServiceProvider services) =>
{
    if (nearCache)
    {
        var sessions = services.GetRequiredService<ISessionManager>();
        var probe = await sessions.CreateAsync(new SessionCreateRequest { UserId = "ready-probe" });
        var before = Interlocked.Read(ref nearCacheHits);
        await sessions.AuthenticateAsync(probe.Token);
        await sessions.AuthenticateAsync(probe.Token);
        await sessions.RevokeAsync(probe.Session.Id);
        if (Interlocked.Read(ref nearCacheHits) == before)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    return Results.Text("ready");
}).AllowAnonymous();

// Tell the load script where we listen (the script starts us on port 0: no port races).
app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
    Console.WriteLine($"variant {variant} listening on {addresses.First()}");
});

await app.RunAsync();
return 0;

// A refused request answers 401 instead of a redirect to a login page: wrk counts 3xx as success, 401 as an error.
static void Answer401(CookieAuthenticationOptions options) =>
    options.Events.OnRedirectToLogin = context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    };
