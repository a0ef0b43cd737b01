using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AspNetSessions;

/// <summary>
/// The library's instruments, on the meter and activity source named <c>AspNetSessions</c> (what OpenTelemetry's
/// <c>AddMeter("AspNetSessions")</c> and <c>AddSource("AspNetSessions")</c> pick up).
/// </summary>
internal sealed class SessionMetrics
{
    public const string Name = "AspNetSessions";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _created;
    private readonly Counter<long> _validated;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _revoked;
    private readonly Histogram<double> _storeDuration;

    public SessionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _created = meter.CreateCounter<long>("aspnetsessions.sessions.created", "{session}", "Sessions created.");
        _validated = meter.CreateCounter<long>("aspnetsessions.sessions.validated", "{request}", "Requests authenticated by a session.");
        _rejected = meter.CreateCounter<long>("aspnetsessions.sessions.rejected", "{request}", "Presented tokens refused, by reason.");
        _revoked = meter.CreateCounter<long>("aspnetsessions.sessions.revoked", "{session}", "Sessions revoked.");
        _storeDuration = meter.CreateHistogram<double>("aspnetsessions.store.duration", "s", "Duration of session store calls, by operation and backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
    }

    public void Created(string kind) => _created.Add(1, Tag.Kind(kind));

    public void Validated(string kind) => _validated.Add(1, Tag.Kind(kind));

    public void Rejected(string kind, string reason) => _rejected.Add(1, Tag.Kind(kind), new("aspnetsessions.reason", reason));

    public void Revoked(string kind, long count) => _revoked.Add(count, Tag.Kind(kind));

    /// <summary>Whether store call durations are recorded (someone listens to the histogram).</summary>
    public bool TimesStoreCalls => _storeDuration.Enabled;

    public void StoreCall(string operation, string backend, long startTimestamp, bool succeeded)
    {
        if (_storeDuration.Enabled && startTimestamp != 0)
        {
            _storeDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new("aspnetsessions.store.operation", operation),
                new("aspnetsessions.store.backend", backend),
                new("aspnetsessions.store.outcome", succeeded ? "success" : "failure"));
        }
    }

    private static class Tag
    {
        public static KeyValuePair<string, object?> Kind(string kind) => new("aspnetsessions.kind", kind);
    }
}
