using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// What an OpenTelemetry user receives (docs/observability.md): a minimal host wired as that page says
/// (<c>AddMeter</c>/<c>AddSource("AspNetSessions")</c> beside ASP.NET Core's instrumentation), with in-memory exporters
/// where an app would add OTLP. (The sample's exporter switch: <see cref="SampleTelemetryTests"/>.) Its own collection,
/// run alone: OpenTelemetry listens to meters and activity sources by name, process-wide, so other tests' apps would add
/// to the counts.
/// </summary>
[Collection(OpenTelemetryCollection.Name)]
public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task Sign_in_authenticated_request_rejection_and_store_calls_arrive_as_the_documented_instruments_and_spans()
    {
        var metrics = new List<MetricSnapshot>();
        var spans = new List<Activity>();
        await using var app = await TestHost.StartAsync(
            app =>
            {
                app.MapFormSignIn();
                app.MapMe();
                app.MapLogout();
            },
            services: s => s.AddOpenTelemetry()
                .WithMetrics(m => m.AddMeter("AspNetSessions").AddAspNetCoreInstrumentation().AddInMemoryExporter(metrics))
                .WithTracing(t => t.AddSource("AspNetSessions").AddAspNetCoreInstrumentation().AddInMemoryExporter(spans)));
        using var browser = app.Client(cookies: true);
        using var client = app.Client();

        // Each request carries its own trace id (a W3C traceparent), so its spans can be told from any other request's.
        var signInTrace = ActivityTraceId.CreateRandom();
        var meTrace = ActivityTraceId.CreateRandom();
        var rejectedTrace = ActivityTraceId.CreateRandom();
        using (var signIn = await browser.SendAsync(HttpMethod.Post, "/login", null, r =>
        {
            Traced(r, signInTrace);
            r.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" });
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        using (var me = await browser.SendAsync(HttpMethod.Get, "/me", null, r => Traced(r, meTrace)))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var rejected = await client.SendAsync(HttpMethod.Get, "/me", "sess_garbage", r => Traced(r, rejectedTrace)))
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
        Assert.Equal("/me", requests[meTrace].GetTagItem("http.route"));
        Assert.Equal(401, requests[rejectedTrace].GetTagItem("http.response.status_code"));
        // A malformed token is refused before any store access: no store span in that trace.
        Assert.DoesNotContain(Snapshot(spans), s => s.TraceId == rejectedTrace && s.Source.Name == "AspNetSessions");

        // A revocation completes the set: every instrument docs/observability.md's table lists is exported, and no other.
        Assert.Equal(HttpStatusCode.NoContent, await browser.StatusAsync(HttpMethod.Post, "/logout", null));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.Equal(1, Sum(metrics, "aspnetsessions.sessions.revoked", ("aspnetsessions.kind", "Session")));
        var documented = Regex.Matches(Readme.TextOf("docs/observability.md"), @"^\| `(aspnetsessions\.[a-z._]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        var exported = metrics.Select(m => m.Name).Where(n => n.StartsWith("aspnetsessions.", StringComparison.Ordinal));
        Assert.Equal(documented.Distinct().Order(StringComparer.Ordinal), exported.Distinct().Order(StringComparer.Ordinal));
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

    /// <summary>Sends the request as if from a caller whose trace is <paramref name="trace"/> (the test server's client does not propagate the current activity).</summary>
    private static void Traced(HttpRequestMessage request, ActivityTraceId trace) =>
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

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

/// <summary>The tests that listen to OpenTelemetry, run alone: it listens by name, process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenTelemetryCollection
{
    public const string Name = "OpenTelemetry";
}
