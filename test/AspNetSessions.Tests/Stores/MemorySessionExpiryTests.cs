using AspNetSessions.Stores;
using AspNetSessions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Stores;

/// <summary>The expiry table, through the in-memory backend.</summary>
public sealed class MemorySessionExpiryTests : SessionExpiryContract, IDisposable
{
    private readonly MemorySessionStore _store = new(new FakeTimeProvider(), NullLogger<MemorySessionStore>.Instance);

    protected override ISessionStore Store => _store;

    public void Dispose() => _store.Dispose();
}
