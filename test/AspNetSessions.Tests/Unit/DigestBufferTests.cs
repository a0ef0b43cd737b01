using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// The digest of every authenticated request is written into a pooled buffer (SessionManager.AuthenticateCoreAsync).
/// The buffer goes back to the pool only when no store can still hold it: every store call completed successfully and
/// the record returned does not point into it.
/// </summary>
public sealed class DigestBufferTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemorySessionStore _memory;

    public DigestBufferTests() => _memory = new MemorySessionStore(_time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));

    public void Dispose() => _memory.Dispose();

    [Fact]
    public void Only_a_completed_call_whose_record_does_not_alias_the_buffer_returns_it()
    {
        var buffer = new byte[80];
        var digest = buffer.AsSpan(48, 32);
        var own = new SessionRecord(Session(), new byte[32]);
        var copied = new SessionRecord(Session(), buffer.AsMemory(48, 32)); // a 32-byte digest is copied into the record
        var aliasing = new SessionRecord(Session(), buffer.AsMemory(50, 20)); // any other length is kept as given

        Assert.True(SessionManager.ReturnsToPool(completed: true, own, digest));
        Assert.True(SessionManager.ReturnsToPool(completed: true, record: null, digest));
        Assert.False(SessionManager.ReturnsToPool(completed: false, record: null, digest));
        Assert.True(SessionManager.ReturnsToPool(completed: true, copied, digest));
        Assert.False(SessionManager.ReturnsToPool(completed: true, aliasing, digest));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_a_successful_store_call_the_digest_memory_is_wiped_before_it_is_reused(bool asynchronous)
    {
        var spy = new DigestSpy(_memory, asynchronous);
        var manager = Manager(spy);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var outcome = await manager.AuthenticateCoreAsync(created.Token.AsMemory(), default);

        Assert.Equal(created.Session.Id, outcome.Session?.Id);
        Assert.Equal(32, spy.Seen.Length);
        // Zeroed when it went back to the pool (another test's request may have rented and written it since: then it is
        // that request's digest, never this one's).
        Assert.NotEqual(spy.Digests[0], spy.Seen.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_a_failed_store_call_the_digest_memory_is_left_as_the_store_saw_it(bool asynchronous)
    {
        var spy = new DigestSpy(_memory, asynchronous, fail: true);
        var manager = Manager(spy);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await manager.AuthenticateCoreAsync(created.Token.AsMemory(), default));

        var stored = (await _memory.GetAsync("Session", created.Session.Id, _time.GetUtcNow(), default))!.Digest.ToArray();
        Assert.Equal(stored, spy.Digests[0]);
        Assert.Equal(stored, spy.Seen.ToArray()); // not wiped, not handed to another request
    }

    private SessionManager Manager(ISessionStore store) =>
        new(SessionAuthenticationDefaults.AuthenticationScheme, new SessionAuthenticationOptions(), store, _time, NullLogger<SessionManager>.Instance);

    private Session Session() => new()
    {
        Id = "AAAAAAAAAAAAAAAAAAAAAA",
        Kind = "Session",
        UserId = "alice",
        CreatedAt = _time.GetUtcNow(),
        LastSeenAt = _time.GetUtcNow(),
        ExpiresAt = _time.GetUtcNow().AddHours(1),
    };

    /// <summary>The real memory store, remembering the digest memory each lookup carried; optionally asynchronous or failing.</summary>
    private sealed class DigestSpy(ISessionStore inner, bool asynchronous, bool fail = false) : ISessionStore
    {
        /// <summary>The memory the last lookup carried (still pointing where it pointed).</summary>
        public ReadOnlyMemory<byte> Seen { get; private set; }

        /// <summary>A copy of each lookup's digest as the store received it.</summary>
        public List<byte[]> Digests { get; } = [];

        public string Name => inner.Name;

        public async ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
        {
            Seen = lookup.Digest;
            Digests.Add(lookup.Digest.ToArray());
            if (asynchronous)
            {
                await Task.Yield();
            }

            if (fail)
            {
                throw new SessionStoreUnavailableException("down");
            }

            return await inner.FindAndSlideAsync(lookup, cancellationToken);
        }

        public ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.CreateAsync(record, maxSessionsPerUser, now, cancellationToken);

        public ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken) => inner.GetAsync(kind, id, now, cancellationToken);

        public ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.UpdateAsync(kind, id, patch, now, cancellationToken);

        public ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken) => inner.DeleteAsync(kind, id, cancellationToken);

        public ValueTask<IReadOnlyList<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

        public ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken) => inner.DeleteManyAsync(query, cancellationToken);

        public ValueTask PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
    }
}
