using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>Metrics, traces and health, as an operator sees them. On minimal hosts.</summary>
public sealed class DiagnosticsTests
{
    [Fact]
    public async Task The_meter_records_created_validated_rejected_revoked_and_store_durations()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        using var measurements = new Measurements(app.Services.GetRequiredService<IMeterFactory>());

        var login = await app.CreateSessionAsync();
        await client.MeAsync(login.Token, "/me");
        await client.MeAsync(login.Token, "/me");
        await client.StatusAsync(HttpMethod.Get, "/me", "garbage");
        await client.StatusAsync(HttpMethod.Get, "/me", DamagedToken.Of(login.Token, 4));
        await client.StatusAsync(HttpMethod.Post, "/logout", login.Token);
        await client.StatusAsync(HttpMethod.Get, "/me", login.Token);

        Assert.Equal(1, measurements.Sum("aspnetsessions.sessions.created", ("aspnetsessions.kind", "Session")));
        Assert.Equal(3, measurements.Sum("aspnetsessions.sessions.validated", ("aspnetsessions.kind", "Session"))); // 2 × me + logout
        // "garbage" and the mangled token fail before any I/O; the revoked token is well formed but unknown.
        Assert.Equal(2, measurements.Sum("aspnetsessions.sessions.rejected", ("aspnetsessions.kind", "Session"), ("aspnetsessions.reason", "malformed")));
        Assert.Equal(1, measurements.Sum("aspnetsessions.sessions.rejected", ("aspnetsessions.kind", "Session"), ("aspnetsessions.reason", "invalid")));
        Assert.Equal(1, measurements.Sum("aspnetsessions.sessions.revoked", ("aspnetsessions.kind", "Session")));
        Assert.Equal(4, measurements.Count("aspnetsessions.store.duration", ("aspnetsessions.store.operation", "find_and_slide"), ("aspnetsessions.store.backend", "Memory"))); // 2 × me, logout, revoked
        Assert.Equal(1, measurements.Count("aspnetsessions.store.duration", ("aspnetsessions.store.operation", "create")));
    }

    [Fact]
    public async Task Store_calls_are_traced_on_the_AspNetSessions_activity_source()
    {
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "AspNetSessions",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var time = new FakeTimeProvider();
        using var memory = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        using var factory = new TestMeterFactory();
        var store = new InstrumentedSessionStore(memory, new SessionMetrics(factory));

        await store.PingAsync(default);

        var activity = Assert.Single(seen, a => a.OperationName == "aspnetsessions.store ping" && a.GetTagItem("aspnetsessions.store.backend") as string == "Memory");
        Assert.Equal(ActivityStatusCode.Ok, activity.Status);
    }

    [Fact]
    public async Task Healthz_reports_the_memory_store_healthy()
    {
        await using var app = await StartAsync();
        using var client = app.Client();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_reports_an_unreachable_store_unhealthy()
    {
        var store = new FaultInjectingStore(new MemorySessionStore(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance)) { Unavailable = true };
        await using var app = await StartAsync(s => s.AddSingleton<ISessionStore>(store));
        using var client = app.Client();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    private static Task<TestHost> StartAsync(Action<IServiceCollection>? services = null) => TestHost.StartAsync(app =>
    {
        app.MapMe();
        app.MapLogout();
        app.MapHealthChecks("/healthz");
    }, services: services);

    /// <summary>Collects the measurements of the meters one app's factory created (other tests' apps are ignored).</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _recorded = new();

        public Measurements(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AspNetSessions" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _recorded.Enqueue((i.Name, v, t.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _recorded.Enqueue((i.Name, v, t.ToArray())));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Sum(m => m.Value);

        public int Count(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Count();

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string instrument, (string Key, string Value)[] tags) =>
            _recorded.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))));
    }
}
