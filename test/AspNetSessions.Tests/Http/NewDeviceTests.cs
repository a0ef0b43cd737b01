using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Http;

/// <summary>The created event's new-device signal and location hook, through cookie sign-ins and the session API, on a minimal host.</summary>
public sealed class NewDeviceTests
{
    private const string FirefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string ChromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly ConcurrentQueue<SessionCreatedContext> _created = new();

    [Fact]
    public async Task A_sign_in_is_from_a_new_device_until_the_user_has_a_session_from_it_and_the_device_cookie_tells_browsers_apart()
    {
        await using var app = await StartAsync();
        using var client = app.Client();

        Assert.Equal((true, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux));
        Assert.Equal((false, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux.Replace("133.0", "134.0", StringComparison.Ordinal)));
        Assert.Equal((true, "Chrome on Windows"), await SignInAsync(client, ChromeOnWindows));
        Assert.Equal((true, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux, deviceCookie: "laptop-0123456789abcdef"));
        Assert.Equal((false, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux, deviceCookie: "laptop-0123456789abcdef"));
        Assert.Equal((true, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux, deviceCookie: "desktop-0123456789abcdef"));
        Assert.Equal((true, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux, user: "bob")); // alice's devices are not bob's

        Assert.Equal("laptop-0123456789abcdef", _created.ElementAt(3).Session.Metadata[SessionMetadataKeys.DeviceId]);
        Assert.Equal((false, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux, deviceCookie: "short")); // not a device id: ignored, so the first Firefox
        Assert.False(_created.Last().Session.Metadata.ContainsKey(SessionMetadataKeys.DeviceId));
    }

    [Fact]
    public async Task The_devices_last_session_evicted_by_the_cap_still_counts_as_seen()
    {
        await using var app = await StartAsync(o => o.MaxSessionsPerUser = 1);
        using var client = app.Client();

        Assert.Equal((true, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux));
        Assert.Equal((false, "Firefox on Linux"), await SignInAsync(client, FirefoxOnLinux)); // asked before the cap evicts the first
    }

    [Fact]
    public async Task A_session_without_metadata_names_no_device_and_no_location()
    {
        var resolver = new StubResolver();
        await using var app = await StartAsync(services: s => s.AddSingleton<ISessionLocationResolver>(resolver));

        await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var created = Assert.Single(_created);
        Assert.Equal((false, null, null), (created.IsNewDevice, created.Device, created.Location));
        Assert.Empty(resolver.Asked);
    }

    [Fact]
    public async Task The_apps_resolver_gives_the_location_of_the_recorded_address_and_a_failing_one_is_logged_not_thrown()
    {
        var resolver = new StubResolver();
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(services: s => s.AddSingleton<ISessionLocationResolver>(resolver).AddSingleton<ILoggerProvider>(logs));
        var metadata = new Dictionary<string, string> { [SessionMetadataKeys.UserAgent] = FirefoxOnLinux, [SessionMetadataKeys.IpAddress] = "203.0.113.7" };

        await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Metadata = metadata });
        resolver.Fails = true;
        var second = await app.Sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Metadata = metadata });

        Assert.Equal([IPAddress.Parse("203.0.113.7"), IPAddress.Parse("203.0.113.7")], resolver.Asked);
        Assert.Equal(["Example City, Nowhere", null], _created.Select(c => c.Location));
        Assert.NotNull(await app.Sessions.FindByIdAsync(second.Session.Id));
        Assert.Contains(logs.Lines, l => l.Contains("[1008]", StringComparison.Ordinal) && l.Contains(second.Session.Id, StringComparison.Ordinal));
    }

    private Task<TestHost> StartAsync(Action<SessionAuthenticationOptions>? configure = null, Action<IServiceCollection>? services = null) =>
        TestHost.StartAsync(
            app => app.MapPost("/signin", async (HttpContext context, string user) =>
            {
                await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test")));
                return Results.NoContent();
            }),
            o =>
            {
                o.Events.OnSessionCreated = context =>
                {
                    _created.Enqueue(context);
                    return Task.CompletedTask;
                };
                configure?.Invoke(o);
            },
            services);

    private async Task<(bool IsNewDevice, string? Device)> SignInAsync(HttpClient client, string userAgent, string user = "alice", string? deviceCookie = null)
    {
        var before = _created.Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signin?user=" + user);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        if (deviceCookie is not null)
        {
            request.Headers.Add("Cookie", SessionRequestMetadata.DeviceCookieName + "=" + deviceCookie);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(before + 1, _created.Count);
        var created = _created.Last();
        return (created.IsNewDevice, created.Device);
    }

    private sealed class StubResolver : ISessionLocationResolver
    {
        public ConcurrentQueue<IPAddress> Asked { get; } = new();

        public bool Fails { get; set; }

        public ValueTask<string?> ResolveAsync(IPAddress address, CancellationToken cancellationToken)
        {
            Asked.Enqueue(address);
            return Fails ? throw new HttpRequestException("the GeoIP service is down") : ValueTask.FromResult<string?>("Example City, Nowhere");
        }
    }
}
