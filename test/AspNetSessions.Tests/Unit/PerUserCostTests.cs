using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Bounded per-user cost (issue #22): a kind caps each user at <see cref="SessionAuthenticationDefaults.MaxSessionsPerUser"/>
/// sessions unless told otherwise (<c>0</c>: no cap), and the memory store's per-user index keeps every session of a
/// user with many (past the array it starts as) through concurrent sign-ins and revocations.
/// </summary>
public sealed class PerUserCostTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemorySessionStore _store;

    public PerUserCostTests() => _store = new MemorySessionStore(_time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_kind_caps_each_user_at_100_sessions_by_default_evicting_the_oldest()
    {
        Assert.Equal(100, new SessionAuthenticationOptions().MaxSessionsPerUser);
        var manager = Manager(new SessionAuthenticationOptions { Kind = "Session" });
        var first = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        for (var i = 1; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        }

        Assert.Equal(100, await manager.CountAsync(new SessionFilter { UserId = "alice" }));
        Assert.NotNull(await manager.AuthenticateAsync(first.Token));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var newest = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Equal(100, await manager.CountAsync(new SessionFilter { UserId = "alice" }));
        Assert.Null(await manager.AuthenticateAsync(first.Token));
        Assert.NotNull(await manager.AuthenticateAsync(newest.Token));
    }

    [Fact]
    public async Task Zero_switches_the_cap_off()
    {
        var manager = Manager(new SessionAuthenticationOptions { Kind = "Session", MaxSessionsPerUser = 0 });
        for (var i = 0; i < 150; i++)
        {
            await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        }

        Assert.Equal(150, await manager.CountAsync(new SessionFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task A_user_index_past_its_array_keeps_every_session_through_concurrent_adds_and_removes()
    {
        var manager = Manager(new SessionAuthenticationOptions { Kind = "Session", MaxSessionsPerUser = 0 });
        var kept = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => manager.CreateAsync(new SessionCreateRequest { UserId = "alice" }))));
        var churn = Enumerable.Range(0, 400).Select(async i =>
        {
            // Sessions that come and go meanwhile, so the index grows past its array and empties down to the kept ones.
            var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
            Assert.True(await manager.RevokeAsync(created.Session.Id));
        });
        await Task.WhenAll(churn.Select(t => Task.Run(() => t)));

        var listed = await manager.ListAsync(new SessionFilter { UserId = "alice" });
        Assert.Equal(kept.Select(k => k.Session.Id).Order(StringComparer.Ordinal), listed.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(200, await manager.RevokeAllAsync("alice"));
        Assert.Equal(0, await manager.CountAsync(new SessionFilter { UserId = "alice" }));
        Assert.Equal(0, _store.Count);

        // An emptied index starts over: a new session of the user is found again.
        var again = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Equal(again.Session.Id, Assert.Single(await manager.ListAsync(new SessionFilter { UserId = "alice" })).Id);
    }

    private SessionManager Manager(SessionAuthenticationOptions options) =>
        new("Session", options, _store, _time, NullLogger<SessionManager>.Instance);
}
