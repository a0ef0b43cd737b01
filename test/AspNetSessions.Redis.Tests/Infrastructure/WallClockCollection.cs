namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// The xunit collection for tests that bound a wall-clock duration (a 503 within the command timeout, recovery within
/// seconds, a live connection closed within 1 s of its revocation) or need a replica to answer within a short timeout (a revocation's WAIT). They run alone, after the parallel
/// collections: on 2 shared cores a cluster or Sentinel test starting its processes beside them can hold the thread pool
/// or the replica long enough for a timer to fire seconds late, which would measure the neighbour, not the store.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WallClockCollection
{
    /// <summary>The collection name for <c>[Collection(WallClockCollection.Name)]</c>.</summary>
    public const string Name = "Wall-clock bounds";
}
