using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// What an OpenTelemetry user of the sample receives (docs/observability.md): the sample's own wiring, with an
/// in-memory exporter added where an operator would add OTLP. Its own collection, run alone: OpenTelemetry listens to
/// meters and activity sources by name, process-wide, so other tests' apps would add to the counts.
/// </summary>
[Collection(OpenTelemetryCollection.Name)]
public sealed class OpenTelemetryTests
{
    internal static readonly AsyncLocal<string?> Traceparent = new();

    [Fact]
    public async Task Sign_in_authenticated_request_rejection_and_store_calls_arrive_as_the_documented_instruments_and_spans()
    {
        var metrics = new List<MetricSnapshot>();
        var spans = new List<Activity>();
        using var app = new SampleApp(services: s => s
            .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics))
            .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var client = app.CreateDefaultClient(new Uri("https://localhost"), new TraceparentHandler());

        // Each request carries its own trace id, so its spans can be told from any other request's.
        var signInTrace = ActivityTraceId.CreateRandom();
        var meTrace = ActivityTraceId.CreateRandom();
        var rejectedTrace = ActivityTraceId.CreateRandom();
        var login = await Traced(signInTrace, () => client.LoginAsync());
        using (var me = await Traced(meTrace, () => client.SendAsync(HttpMethod.Get, "/api/me", login.Token)))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var rejected = await Traced(rejectedTrace, () => client.SendAsync(HttpMethod.Get, "/api/me", "sess_garbage")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.Equal(1, Sum(metrics, "aspnetsessions.sessions.created", ("aspnetsessions.kind", "Session")));
        Assert.Equal(1, Sum(metrics, "aspnetsessions.sessions.validated", ("aspnetsessions.kind", "Session")));
        Assert.Equal(1, Sum(metrics, "aspnetsessions.sessions.rejected", ("aspnetsessions.kind", "Session"), ("aspnetsessions.reason", "malformed")));
        Assert.Equal(1, HistogramCount(metrics, "aspnetsessions.store.duration",
            ("aspnetsessions.store.operation", "create"), ("aspnetsessions.store.backend", "Memory"), ("aspnetsessions.store.outcome", "success")));
        Assert.Equal(1, HistogramCount(metrics, "aspnetsessions.store.duration",
            ("aspnetsessions.store.operation", "find_and_slide"), ("aspnetsessions.store.backend", "Memory"), ("aspnetsessions.store.outcome", "success")));
        Assert.Equal("s", metrics.Last(m => m.Name == "aspnetsessions.store.duration").Unit);
        // ASP.NET Core's own request duration, from the same pipeline.
        Assert.Contains(metrics, m => m.Name == "http.server.request.duration");

        // The request spans end just after the response is written: wait (bounded) for all three.
        var tracer = app.Services.GetRequiredService<TracerProvider>();
        await Eventually.HoldsAsync(() => tracer.ForceFlush(1_000) && Server(spans, signInTrace, meTrace, rejectedTrace).Count >= 3);

        var requests = Server(spans, signInTrace, meTrace, rejectedTrace);
        Assert.Equal(3, requests.Count);
        AssertStoreSpan(spans, requests[signInTrace], "create");
        AssertStoreSpan(spans, requests[meTrace], "find_and_slide");
        Assert.Equal("/api/me", requests[meTrace].GetTagItem("http.route"));
        Assert.Equal(401, requests[rejectedTrace].GetTagItem("http.response.status_code"));
        // A malformed token is refused before any store access: no store span in that trace.
        Assert.DoesNotContain(Snapshot(spans), s => s.TraceId == rejectedTrace && s.Source.Name == "AspNetSessions");

        // A revocation completes the set: every instrument docs/observability.md's table lists is exported, and no other.
        Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.Equal(1, Sum(metrics, "aspnetsessions.sessions.revoked", ("aspnetsessions.kind", "Session")));
        var documented = Regex.Matches(Readme.TextOf("docs/observability.md"), @"^\| `(aspnetsessions\.[a-z._]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        var exported = metrics.Select(m => m.Name).Where(n => n.StartsWith("aspnetsessions.", StringComparison.Ordinal));
        Assert.Equal(documented.Distinct().Order(StringComparer.Ordinal), exported.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_set_the_sample_exports_its_spans_over_OTLP()
    {
        // A stand-in collector: records what OTLP/HTTP posts to it.
        var received = new List<(string Path, string? ContentType, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (received)
            {
                received.Add((request.Path, request.ContentType, body.ToArray()));
            }

            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Urls.Single();

        // Environment variables, as an operator sets them (this collection runs alone, so no other app sees them).
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try
        {
            using var app = new SampleApp();
            using var client = app.Client();
            await client.LoginAsync();
            Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", null);
        }

        var traces = Received(received).Where(r => r.Path == "/v1/traces").ToArray();
        Assert.True(traces.Length > 0, $"the collector at {endpoint} received: {string.Join(", ", Received(received).Select(r => r.Path))}");
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // Protobuf keeps strings as UTF-8 bytes: the store span's name and its tag are in the payload.
        var payload = Encoding.UTF8.GetString(traces.SelectMany(r => r.Body).ToArray());
        Assert.Contains("aspnetsessions.store create", payload, StringComparison.Ordinal);
        Assert.Contains("aspnetsessions.store.backend", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_writes_its_spans_to_the_console_only_when_asked_to()
    {
        // Console.Out is process-wide; this collection runs alone, so only these apps write to it meanwhile.
        var production = await ConsoleOutputAsync(environment: "Production", console: null);
        var development = await ConsoleOutputAsync(environment: "Development", console: null);
        var asked = await ConsoleOutputAsync(environment: "Development", console: "true");

        Assert.Contains("aspnetsessions.store create", asked, StringComparison.Ordinal);
        Assert.Contains("aspnetsessions.store.backend: Memory", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetsessions.store create", development, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetsessions.store create", production, StringComparison.Ordinal);
    }

    private static async Task<string> ConsoleOutputAsync(string environment, string? console)
    {
        var captured = new StringWriter();
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            using var sample = new SampleApp();
            using var app = sample.WithWebHostBuilder(b =>
            {
                b.UseEnvironment(environment);
                if (console is not null)
                {
                    b.UseSetting("Telemetry:Console", console);
                }
            });
            using var client = app.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
            await client.LoginAsync();
            Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.ToString();
    }

    private static (string Path, string? ContentType, byte[] Body)[] Received(List<(string Path, string? ContentType, byte[] Body)> received)
    {
        lock (received)
        {
            return [.. received];
        }
    }

    private static void AssertStoreSpan(List<Activity> spans, Activity request, string operation)
    {
        var store = Assert.Single(Snapshot(spans), s => s.TraceId == request.TraceId && s.Source.Name == "AspNetSessions");
        Assert.Equal("aspnetsessions.store " + operation, store.DisplayName);
        Assert.Equal(ActivityKind.Client, store.Kind);
        Assert.Equal(operation, store.GetTagItem("aspnetsessions.store.operation"));
        Assert.Equal("Memory", store.GetTagItem("aspnetsessions.store.backend"));
        Assert.Equal(ActivityStatusCode.Ok, store.Status);
        // A child of the request that made the call: one trace from HTTP to the store.
        Assert.Equal(request.SpanId, store.ParentSpanId);
    }

    private static Dictionary<ActivityTraceId, Activity> Server(List<Activity> spans, params ActivityTraceId[] traces) =>
        Snapshot(spans).Where(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server && traces.Contains(s.TraceId))
            .ToDictionary(s => s.TraceId);

    private static Activity[] Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    /// <summary>Runs one client call as if from a caller whose trace is <paramref name="trace"/> (W3C traceparent).</summary>
    private static async Task<T> Traced<T>(ActivityTraceId trace, Func<Task<T>> call)
    {
        // The test server's client does not propagate the current activity, so the header is set by hand.
        var previous = Traceparent.Value;
        Traceparent.Value = $"00-{trace}-{ActivitySpanId.CreateRandom()}-01";
        try
        {
            return await call();
        }
        finally
        {
            Traceparent.Value = previous;
        }
    }

    private static long Sum(List<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.GetSumLong());

    private static long HistogramCount(List<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.GetHistogramCount());

    // The last export holds the cumulative totals.
    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> metrics, string name, (string Key, string Value)[] tags) =>
        metrics.LastOrDefault(m => m.Name == name)?.MetricPoints.Where(p => tags.All(t => HasTag(p, t))) ?? [];

    private static bool HasTag(MetricPoint point, (string Key, string Value) tag)
    {
        foreach (var pair in point.Tags)
        {
            if (pair.Key == tag.Key && Equals(pair.Value, tag.Value))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Adds the <c>traceparent</c> header of the current <see cref="OpenTelemetryTests"/> call.</summary>
internal sealed class TraceparentHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (OpenTelemetryTests.Traceparent.Value is { } traceparent)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenTelemetryCollection
{
    public const string Name = "OpenTelemetry";
}
