using System.Diagnostics.Metrics;

namespace AspNetSessions;

/// <summary>The near-cache's instruments, on the <c>AspNetSessions</c> meter; created only when the near-cache is on.</summary>
internal sealed class NearCacheMetrics(IMeterFactory meterFactory)
{
    private readonly Meter _meter = meterFactory.Create(SessionMetrics.Name);
    private Counter<long>? _hits;
    private Counter<long>? _misses;
    private Counter<long>? _invalidations;
    private Counter<long>? _flushes;

    public void CreateInstruments(Func<int> entries)
    {
        _hits = _meter.CreateCounter<long>("aspnetsessions.nearcache.hits", "{request}", "Lookups answered from the near-cache.");
        _misses = _meter.CreateCounter<long>("aspnetsessions.nearcache.misses", "{request}", "Lookups sent to the store.");
        _invalidations = _meter.CreateCounter<long>("aspnetsessions.nearcache.invalidations", "{message}", "Invalidations received from the store's channel.");
        _flushes = _meter.CreateCounter<long>("aspnetsessions.nearcache.flushes", "{flush}", "Whole-cache flushes (channel lost or restored).");
        _meter.CreateObservableGauge("aspnetsessions.nearcache.entries", entries, "{session}", "Sessions held in the near-cache.");
    }

    public void Hit() => _hits?.Add(1);

    public void Miss() => _misses?.Add(1);

    public void Invalidated() => _invalidations?.Add(1);

    public void Flushed() => _flushes?.Add(1);
}
