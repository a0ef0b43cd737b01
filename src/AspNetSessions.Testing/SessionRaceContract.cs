using System.Collections.Concurrent;
using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Testing;

/// <summary>
/// Races through the session API on a real store: many concurrent sign-ins, slides, rotations and revocations
/// of one user. Afterwards every surviving session is listed exactly once, no revoked or rotated-away token
/// authenticates, every survivor's current token does, and the counts agree.
/// </summary>
public abstract class SessionRaceContract
{
    /// <summary>The store under test (fresh kinds are used, so it may be shared).</summary>
    protected abstract ISessionStore Store { get; }

    [Fact]
    public async Task A_device_challenge_is_consumed_exactly_once_by_concurrent_updates()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var kind = "dbsc" + Guid.NewGuid().ToString("N")[..8];
        var challenge = "c0." + now.AddMinutes(5).ToUnixTimeSeconds();
        var id = SessionIds.New("racer");
        await Store.CreateAsync(new SessionRecord(
            new Session { Id = id, Kind = kind, UserId = "racer", CreatedAt = now, LastSeenAt = now, ExpiresAt = now.AddHours(1), AuthenticatedAt = now, DeviceChallenge = challenge },
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), 0, now, CancellationToken.None);

        for (var round = 1; round <= 5; round++)
        {
            // Sixteen refreshes answer the same challenge, each replacing it with its own next one and a new digest.
            var expected = challenge;
            var winners = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(Enumerable.Range(0, 16), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var next = $"c{round}-{i}." + now.AddMinutes(5).ToUnixTimeSeconds();
                var patch = new SessionPatch { IfDeviceChallenge = expected, DeviceChallenge = next, Digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) };
                if (await Store.UpdateAsync(kind, id, patch, now, ct) is { } won)
                {
                    Assert.Equal(next, won.Session.DeviceChallenge);
                    winners.Add(next);
                }
            });

            challenge = Assert.Single(winners);
            Assert.Equal(challenge, (await Store.GetAsync(kind, id, now, CancellationToken.None))!.Session.DeviceChallenge);
        }
    }

    [Fact]
    public async Task Concurrent_sign_ins_slides_rotations_and_revocations_leave_a_consistent_user()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var kind = "race" + Guid.NewGuid().ToString("N")[..8];
        var manager = CreateManager(kind, time);
        var current = new ConcurrentDictionary<string, string>();   // session id → its latest token
        var dead = new ConcurrentBag<string>();                       // tokens that must not authenticate
        var revoked = new ConcurrentDictionary<string, bool>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 120), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "racer" }, ct);
            current[created.Session.Id] = created.Token;
            for (var slide = 0; slide < 3; slide++)
            {
                Assert.NotNull(await manager.AuthenticateAsync(created.Token, ct));
            }

            if (i % 3 == 0)
            {
                var rotated = await manager.RotateAsync(created.Session.Id, ct);
                Assert.NotNull(rotated);
                dead.Add(created.Token);
                current[created.Session.Id] = rotated.Token;
                var slides = Enumerable.Range(0, 4).Select(_ => manager.AuthenticateAsync(rotated.Token, ct).AsTask());
                Assert.All(await Task.WhenAll(slides), Assert.NotNull);
            }

            if (i % 4 == 1)
            {
                Assert.True(await manager.RevokeAsync(created.Session.Id, ct));
                revoked[created.Session.Id] = true;
                dead.Add(current[created.Session.Id]);
            }
        });

        var listed = await manager.ListAsync(new SessionFilter { UserId = "racer" });
        var ids = listed.Select(s => s.Id).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        var survivors = current.Keys.Where(id => !revoked.ContainsKey(id)).Order().ToArray();
        Assert.Equal(survivors, ids.Order());
        Assert.Equal(survivors.Length, await manager.CountAsync(new SessionFilter { UserId = "racer" }));

        foreach (var token in dead)
        {
            Assert.Null(await manager.AuthenticateAsync(token));
        }

        foreach (var id in survivors)
        {
            Assert.Equal(id, (await manager.AuthenticateAsync(current[id]))?.Id);
        }

        // Revoke-all while sign-ins continue: afterwards only sessions created after it may remain.
        var late = Task.Run(async () =>
        {
            var tokens = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                tokens.Add((await manager.CreateAsync(new SessionCreateRequest { UserId = "racer" })).Token);
            }

            return tokens;
        });
        var revokedCount = await manager.RevokeAllAsync("racer");
        var lateTokens = await late;
        Assert.InRange(revokedCount, survivors.Length, survivors.Length + lateTokens.Count);
        foreach (var id in survivors)
        {
            Assert.Null(await manager.AuthenticateAsync(current[id]));
        }

        var remaining = await manager.ListAsync(new SessionFilter { UserId = "racer" });
        var valid = 0;
        foreach (var token in lateTokens)
        {
            valid += await manager.AuthenticateAsync(token) is null ? 0 : 1;
        }

        Assert.Equal(valid, remaining.Count);
        Assert.Equal(remaining.Count, await manager.CountAsync(new SessionFilter { UserId = "racer" }));
    }

    [Fact]
    public async Task Concurrent_sign_ins_under_MaxSessionsPerUser_never_leave_more_than_the_cap()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var kind = "cap" + Guid.NewGuid().ToString("N")[..8];
        const int cap = 3;
        var manager = CreateManager(kind, time, cap);
        var tokens = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            if (i % 10 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }

            tokens.Add((await manager.CreateAsync(new SessionCreateRequest { UserId = "capped" }, ct)).Token);
            Assert.InRange(await manager.CountAsync(new SessionFilter { UserId = "capped" }, ct), 1, cap);
        });

        var listed = await manager.ListAsync(new SessionFilter { UserId = "capped" });
        Assert.Equal(cap, listed.Count);
        var alive = 0;
        foreach (var token in tokens)
        {
            alive += await manager.AuthenticateAsync(token) is null ? 0 : 1;
        }

        Assert.Equal(cap, alive);
    }

    /// <summary>
    /// The session API over <see cref="Store"/>, wired exactly as an app wires it (<c>AddSessionAuth().AddStore(...)</c>).
    /// The provider is not disposed: it would dispose the store, which the test class owns.
    /// </summary>
    private ISessionManager CreateManager(string kind, TimeProvider time, int? maxSessionsPerUser = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddSessionAuth(o =>
        {
            o.Kind = kind;
            o.SlidingGranularity = TimeSpan.Zero;
            o.MaxSessionsPerUser = maxSessionsPerUser ?? 0;
        }).AddStore("Contract", _ => Store);
        return services.BuildServiceProvider().GetRequiredService<ISessionManager>();
    }
}
