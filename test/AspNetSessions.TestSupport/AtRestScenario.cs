using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using AspNetSessions.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions.TestSupport;

/// <summary>
/// "A dump of the store authenticates nobody" (issue #22), written once for every store: an app whose session scheme is
/// the <c>SignInScheme</c> of a remote handler that, as OpenID Connect with <c>SaveTokens = true</c> does, signs in with an
/// access, refresh and ID token saved through <c>StoreTokens</c>, a claim marked secret (<c>SecretClaimTypes</c>) and,
/// afterwards, data marked secret (<c>SecretDataKeys</c>). Every secret is unique to the instance, so a dump of a shared
/// server cannot match another test's; a claim that is not marked is expected in the dump, proving the dump is real.
/// </summary>
public sealed class AtRestScenario : IAsyncDisposable
{
    public const string SecretClaimType = "national_id";
    public const string SecretDataKey = "bank_token";
    public const string UserId = "erin";

    private readonly string _run = Guid.NewGuid().ToString("N");

    private AtRestScenario(WebApplication app, CapturingLoggerProvider logs)
    {
        App = app;
        Logs = logs;
        Client = app.GetTestClient();
        Client.BaseAddress = new Uri("https://localhost");
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public string AccessToken => "at-" + _run;

    public string RefreshToken => "rt-" + _run;

    public string IdToken => "it-" + _run;

    public string SecretClaim => "nid-" + _run;

    public string SecretData => "bank-" + _run;

    /// <summary>A claim that is not marked secret: it is stored readable, so a dump without it is no dump.</summary>
    public string VisibleClaim => "visible-" + _run;

    public IReadOnlyList<string> Secrets => [AccessToken, RefreshToken, IdToken, SecretClaim, SecretData];

    public ISessionStore Store => App.Services.GetRequiredService<ISessionStore>();

    /// <summary>Starts the app on the store <paramref name="store"/> adds (none: the memory store).</summary>
    public static async Task<AtRestScenario> StartAsync(Action<SessionAuthBuilder>? store = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var sessions = builder.Services.AddSessionAuth(o =>
        {
            o.SecretClaimTypes = [SecretClaimType];
            o.SecretDataKeys = [SecretDataKey];
        });
        store?.Invoke(sessions);
        services?.Invoke(builder.Services);
        builder.Services.AddSingleton<RunSecrets>();
        builder.Services.AddAuthentication().AddRemoteScheme<RemoteOptions, RemoteHandler>("Remote", "Identity provider", o =>
        {
            o.CallbackPath = "/signin-remote";
            o.SignInScheme = SessionAuthenticationDefaults.AuthenticationScheme;
        });

        var app = builder.Build();
        app.UseSessionAuth();
        app.MapGet("/secrets", async (HttpContext context, ISessionManager manager) =>
        {
            var session = await manager.FindByIdAsync(context.User.FindFirstValue(SessionClaimTypes.SessionId)!);
            return Results.Json(new
            {
                access = await context.GetTokenAsync("access_token"),
                refresh = await context.GetTokenAsync("refresh_token"),
                id = await context.GetTokenAsync("id_token"),
                claim = context.User.FindFirstValue(SecretClaimType),
                data = session?.Data.GetValueOrDefault(SecretDataKey),
            });
        }).RequireAuthorization();
        app.MapPost("/secrets/data", async (HttpContext context, ISessionManager manager, string value) =>
        {
            var id = context.User.FindFirstValue(SessionClaimTypes.SessionId)!;
            await manager.UpdateAsync(id, new SessionUpdate { Data = new Dictionary<string, string> { [SecretDataKey] = value } });
            return Results.NoContent();
        }).RequireAuthorization();
        await app.StartAsync();
        var scenario = new AtRestScenario(app, logs);
        app.Services.GetRequiredService<RunSecrets>().Scenario = scenario;
        return scenario;
    }

    /// <summary>Signs in through the remote handler, stores the secret data, and checks every secret comes back; returns the session token.</summary>
    public async Task<string> SignInAsync()
    {
        using var callback = await Client.GetAsync("/signin-remote");
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var token = SampleApi.SessionCookie(callback);
        using (var stored = await SendAsync(HttpMethod.Post, "/secrets/data?value=" + Uri.EscapeDataString(SecretData), token))
        {
            Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        }

        using var response = await SendAsync(HttpMethod.Get, "/secrets", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(AccessToken, seen.GetProperty("access").GetString());
        Assert.Equal(RefreshToken, seen.GetProperty("refresh").GetString());
        Assert.Equal(IdToken, seen.GetProperty("id").GetString());
        Assert.Equal(SecretClaim, seen.GetProperty("claim").GetString());
        Assert.Equal(SecretData, seen.GetProperty("data").GetString());
        return token;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", "__Host-session=" + token);
        return Client.SendAsync(request);
    }

    /// <summary>
    /// No secret in <paramref name="dump"/> (all of a store's keys and values as text), and the claim that is not marked
    /// there: the dump really holds the session.
    /// </summary>
    public void AssertNothingReadable(IReadOnlyCollection<string> dump)
    {
        Assert.Contains(dump, text => text.Contains(VisibleClaim, StringComparison.Ordinal));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(dump, text => text.Contains(secret, StringComparison.Ordinal) || text.Contains(secret[..^8], StringComparison.Ordinal));
        }
    }

    /// <summary>Every record of the memory store (or any store read through the SPI), each as one text of all its strings.</summary>
    public async Task<IReadOnlyCollection<string>> DumpThroughTheStoreAsync()
    {
        var records = new List<SessionRecord>();
        var query = new SessionQuery { Kind = SessionAuthenticationDefaults.AuthenticationScheme, Now = DateTimeOffset.UtcNow, Status = SessionStatus.All, Limit = SessionQuery.MaxLimit };
        do
        {
            var page = await Store.QueryAsync(query, default);
            records.AddRange(page.Items);
            query = query with { Cursor = page.Next };
        }
        while (query.Cursor is not null);

        return [.. records.Select(r => string.Join("\n",
            new[] { r.Session.Id, r.Session.UserId, r.Session.Name ?? "", Convert.ToHexString(r.Digest) }
                .Concat(r.Session.Claims.Select(c => c.Type + "=" + c.Value))
                .Concat(r.Session.Data.Select(d => d.Key + "=" + d.Value))
                .Concat(r.Session.Metadata.Select(d => d.Key + "=" + d.Value))
                .Concat(r.Session.AuthenticationItems.Select(i => i.Key + "=" + i.Value))))];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>What the remote handler signs in with: this instance's secrets.</summary>
    private sealed class RunSecrets
    {
        public AtRestScenario? Scenario { get; set; }
    }

    private sealed class RemoteOptions : RemoteAuthenticationOptions;

    /// <summary>An OpenID Connect callback minus the protocol: a principal and properties with saved tokens.</summary>
    private sealed class RemoteHandler(IOptionsMonitor<RemoteOptions> options, ILoggerFactory logger, UrlEncoder encoder, RunSecrets secrets)
        : RemoteAuthenticationHandler<RemoteOptions>(options, logger, encoder)
    {
        protected override Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
        {
            var run = secrets.Scenario!;
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, UserId), new Claim(SecretClaimType, run.SecretClaim), new Claim("display", run.VisibleClaim)], Scheme.Name);
            var properties = new AuthenticationProperties { RedirectUri = "/" };
            properties.StoreTokens(
            [
                new AuthenticationToken { Name = "access_token", Value = run.AccessToken },
                new AuthenticationToken { Name = "refresh_token", Value = run.RefreshToken },
                new AuthenticationToken { Name = "id_token", Value = run.IdToken },
            ]);
            return Task.FromResult(HandleRequestResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name)));
        }
    }
}
