using System.Net;
using System.Security.Cryptography;
using System.Text;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// A generated corpus of hostile Authorization headers and cookies against the sample: every answer is 401,
/// none is a 500, and none of them reaches the store (a malformed token is refused before any I/O).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly FaultInjectingStore _store = new(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly SampleApp _app;

    public HostileInputTests()
    {
        var traceEverything = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" };
        _app = new SampleApp(traceEverything, s =>
        {
            s.AddSingleton<ISessionStore>(_store);
            s.AddSingleton<ILoggerProvider>(_logs);
        });
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Thousands_of_hostile_headers_and_cookies_get_401_and_never_touch_the_store()
    {
        using var client = _app.Client();
        var valid = await client.LoginAsync("alice");
        var corpus = Corpus(valid.Token).ToArray();
        Assert.True(corpus.Length > 3000, $"corpus has {corpus.Length} cases");
        var callsBefore = _store.Calls;

        var failures = new List<string>();
        foreach (var (header, value) in corpus)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
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
        Assert.Equal(callsBefore, _store.Calls);
    }

    [Fact]
    public async Task Logs_at_trace_never_contain_a_token_or_its_secret()
    {
        using var client = _app.Client(cookies: true);
        var tokens = new List<string>();
        var login = await client.LoginAsync("alice");
        tokens.Add(login.Token);
        await client.MeAsync(login.Token);
        await client.StatusAsync(HttpMethod.Get, "/api/me", DamagedToken.Of(login.Token, 3));
        tokens.Add((await client.CreateKeyAsync(login.Token)).Token);

        using (var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "bob", ["password"] = "bob-password" })))
        {
            tokens.Add(SampleApi.SessionCookie(signIn));
        }

        await client.GetAsync("/api/me");
        await client.StatusAsync(HttpMethod.Delete, "/api/sessions", login.Token);
        await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token);

        Assert.NotEmpty(_logs.Lines);
        Assert.Contains(_logs.Lines, l => l.Contains("[1001]", StringComparison.Ordinal)); // creation was logged
        foreach (var token in tokens)
        {
            Assert.StartsWith(token[..4], token, StringComparison.Ordinal);
            var secretPart = token[(token.IndexOf('_', StringComparison.Ordinal) + 25)..]; // past the prefix and the id-carrying characters
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(token, StringComparison.Ordinal) || l.Contains(secretPart, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(_logs.Lines, l => l.Contains("alice-password", StringComparison.Ordinal) || l.Contains("bob-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oversized_headers_get_401_up_to_kestrels_limit_and_431_beyond_it()
    {
        using var app = new SampleApp();
        app.UseKestrel(0);
        app.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()) };

        foreach (var size in new[] { 8 * 1024, 16 * 1024 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusAsync(HttpMethod.Get, "/api/me", "sess_" + new string('A', size)));
            var cookie = await client.StatusAsync(HttpMethod.Get, "/api/me", null, r => r.Headers.TryAddWithoutValidation("Cookie", "__Host-session=" + new string('B', size)));
            Assert.Equal(HttpStatusCode.Unauthorized, cookie);
        }

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, await client.StatusAsync(HttpMethod.Get, "/api/me", "sess_" + new string('A', 64 * 1024)));
        var login = await client.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await client.StatusAsync(HttpMethod.Get, "/api/me", login.Token));
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
