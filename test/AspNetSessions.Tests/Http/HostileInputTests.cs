using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Security.Claims;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// A generated corpus of hostile Authorization headers and cookies: every answer is 401, none is a 500, and none of
/// them reaches the store (a malformed token is refused before any I/O). On a minimal host of its own.
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public async Task Thousands_of_hostile_headers_and_cookies_get_401_and_never_touch_the_store()
    {
        var store = new FaultInjectingStore(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance));
        await using var host = await StartAsync(s => s.AddSingleton<ISessionStore>(store));
        using var client = host.Client();
        var valid = (await host.CreateSessionAsync()).Token;
        var corpus = Corpus(valid).ToArray();
        Assert.True(corpus.Length > 3000, $"corpus has {corpus.Length} cases");
        var callsBefore = store.Calls;

        var failures = new List<string>();
        foreach (var (header, value) in corpus)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            if (!request.Headers.TryAddWithoutValidation(header, value))
            {
                continue;
            }

            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{header}: {Printable(value)} → {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(callsBefore, store.Calls);
    }

    [Fact]
    public async Task Logs_at_trace_never_contain_a_token_or_its_secret()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(s => s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var tokens = new List<string>();
        var token = (await host.CreateSessionAsync()).Token;
        tokens.Add(token);
        using (var client = host.Client(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);
        }

        using (var damaged = host.Client(DamagedToken.Of(token, 3)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await damaged.GetAsync("/me")).StatusCode);
        }

        var key = (await host.CreateSessionAsync("alice", TestEndpoints.ApiKeyScheme)).Token;
        tokens.Add(key);
        using (var keyClient = host.Client(key))
        {
            Assert.Equal(HttpStatusCode.OK, (await keyClient.GetAsync("/key")).StatusCode);
        }

        using var browser = host.Client();
        using (var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "bob", ["password"] = "bob-password" })))
        {
            var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
            var cookieToken = cookie["__Host-session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
            tokens.Add(cookieToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Add("Cookie", "__Host-session=" + cookieToken);
            Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(request)).StatusCode);
        }

        using (var client = host.Client(token))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/sessions")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/logout", null)).StatusCode);
        }

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("[1001]", StringComparison.Ordinal)); // creation was logged
        foreach (var t in tokens)
        {
            var secretPart = t[(t.IndexOf('_', StringComparison.Ordinal) + 25)..]; // past the prefix and the id-carrying characters
            Assert.DoesNotContain(logs.Lines, l => l.Contains(t, StringComparison.Ordinal) || l.Contains(secretPart, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(logs.Lines, l => l.Contains("bob-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oversized_headers_get_401_up_to_kestrels_limit_and_431_beyond_it()
    {
        var builder = TestHost.CreateBuilder(new FakeTimeProvider(DateTimeOffset.UtcNow));
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseSessionAuth();
        MapEndpoints(app);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        foreach (var size in new[] { 8 * 1024, 16 * 1024 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/me", "sess_" + new string('A', size)));
            var cookie = await client.StatusAsync(HttpMethod.Get, "/me", null, r => r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + new string('B', size)));
            Assert.Equal(HttpStatusCode.Unauthorized, cookie);
        }

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, await client.StatusAsync(HttpMethod.Get, "/me", "sess_" + new string('A', 64 * 1024)));
        var token = (await app.Services.GetRequiredService<ISessionManager>().CreateAsync(new SessionCreateRequest { UserId = "alice" })).Token;
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/me", token));
    }

    private static Task<TestHost> StartAsync(Action<IServiceCollection> services) =>
        TestHost.StartAsync(MapEndpoints, services: services, auth: a => a.AddApiKeys());

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/me", () => Results.Ok()).RequireAuthorization();
        app.MapGet("/key", () => Results.Ok()).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = TestEndpoints.ApiKeyScheme });
        app.MapPost("/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, form["username"].ToString())], "password"));
            await context.SignInAsync(SessionAuthenticationDefaults.AuthenticationScheme, principal);
            return Results.NoContent();
        }).DisableAntiforgery();
        app.MapPost("/logout", (HttpContext context) => context.SignOutAsync(SessionAuthenticationDefaults.AuthenticationScheme)).RequireAuthorization();
        app.MapSessionEndpoints();
    }

    /// <summary>Hostile (header, value) pairs, derived from one valid token so that near misses are covered.</summary>
    private static IEnumerable<(string Header, string Value)> Corpus(string valid)
    {
        var random = new Random(20261121);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var near = new List<string>
        {
            string.Empty, " ", "\t", "sess_", "sess", "_", "key_", valid[..^1], valid + "A", valid + valid, valid.ToUpperInvariant(), valid.ToLowerInvariant(),
            "key" + valid[4..], "Sess" + valid[4..], " " + valid + "x", valid.Replace('_', '/'), valid.Replace('-', '+') + "==",
            Uri.EscapeDataString(valid).Replace("s", "%73", StringComparison.Ordinal), Convert.ToBase64String(Encoding.UTF8.GetBytes(valid)),
            valid[..40] + "\u00e9" + valid[41..], valid[..40] + "\u0000" + valid[41..], valid[..40] + "\u202e" + valid[41..],
            "sess_" + new string('A', 8 * 1024), new string('\u00ff', 300), "\u00a0" + valid,
        };

        // Every position changed to several other characters: all fail the checksum.
        for (var i = 0; i < valid.Length; i++)
        {
            for (var k = 0; k < 10; k++)
            {
                var c = alphabet[random.Next(alphabet.Length)];
                if (c != valid[i])
                {
                    near.Add(string.Concat(valid.AsSpan(0, i), c.ToString(), valid.AsSpan(i + 1)));
                }
            }

            near.Add(valid.Remove(i, 1));
            near.Add(valid.Insert(i, "A"));
        }

        // Random strings of random lengths, ASCII and beyond, some with the right prefix and length.
        for (var i = 0; i < 1000; i++)
        {
            var length = i % 3 == 0 ? valid.Length - 5 : random.Next(1, 400);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = i % 2 == 0 ? alphabet[random.Next(alphabet.Length)] : (char)random.Next(0x20, 0x2FF);
            }

            near.Add((i % 3 == 0 ? "sess_" : string.Empty) + new string(chars));
        }

        near.Add(Convert.ToBase64String(RandomNumberGenerator.GetBytes(52)));

        foreach (var token in near)
        {
            yield return ("Authorization", "Bearer " + token);
            yield return ("Cookie", "__Host-session=" + token);
        }

        foreach (var scheme in new[] { "Bearer", "bearer", "BEARER", "Bearer  ", "Bearer\t", "Basic", "Digest", "Token", "Bearer,", "Bearer=", "Negotiate" })
        {
            yield return ("Authorization", scheme);
            yield return ("Authorization", scheme + " " + valid[..^2]);
        }

        yield return ("Authorization", "Bearer x, Bearer y");
        yield return ("Cookie", "__Host-session=a; __Host-session=b");
        yield return ("Cookie", "__Host-session=\"" + valid[..^1] + "\"");
        yield return ("Cookie", "__Host-session");
        yield return ("Cookie", ";;;=;=;");
        yield return ("Cookie", "__host-session=" + valid[..^1]);
        yield return ("Cookie", new string(';', 500));
    }

    private static string Printable(string value) =>
        value.Length > 80 ? string.Concat(value.AsSpan(0, 80), "…") : value;
}
