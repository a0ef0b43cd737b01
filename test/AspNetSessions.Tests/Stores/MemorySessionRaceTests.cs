using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Stores;

/// <summary>The race suite, on the in-memory backend.</summary>
public sealed class MemorySessionRaceTests : SessionRaceContract, IDisposable
{
    private readonly MemorySessionStore _store = new(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance);

    protected override ISessionStore Store => _store;

    public void Dispose() => _store.Dispose();
}
