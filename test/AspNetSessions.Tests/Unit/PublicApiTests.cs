using AspNetSessions.Stores;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Snapshots the public surface of the library, so every change to it is a visible diff in review.
/// To accept a deliberate change, copy the written <c>.received.txt</c> over the <c>.txt</c> beside it.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_snapshot()
    {
        PublicApiSnapshot.Assert(typeof(ISessionStore).Assembly, "AspNetSessions");
    }
}
