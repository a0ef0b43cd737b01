using System.Security.Cryptography;
using AspNetSessions.Stores;

namespace AspNetSessions.Testing;

/// <summary>
/// The expiry table (<see cref="SessionExpiryCases"/>) through a store: each row's session is written, used once with
/// <c>FindAndSlideAsync</c>, and read back. A store that applies <c>SessionExpiry</c> in another language passes only
/// if it gives every answer the rule gives. Derive from it and supply the store, as for <see cref="SessionStoreContract"/>.
/// </summary>
public abstract class SessionExpiryContract
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The store under test (each row uses a fresh kind, so it may be shared).</summary>
    protected abstract ISessionStore Store { get; }

    [Theory]
    [MemberData(nameof(SessionExpiryCases.Names), MemberType = typeof(SessionExpiryCases))]
    public async Task The_store_applies_the_expiry_rule(string name)
    {
        var row = SessionExpiryCases.Get(name);
        var kind = "exp" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var session = row.StoredSession(CreatedAt, kind, SessionIds.New("alice"), "alice");
        var digest = RandomNumberGenerator.GetBytes(32);
        await Store.CreateAsync(new SessionRecord(session, digest), 0, CreatedAt + row.LastSeen, CancellationToken.None);
        var lookup = row.Lookup(CreatedAt, session, digest);

        var found = await Store.FindAndSlideAsync(lookup, CancellationToken.None);

        if (!row.Found)
        {
            Assert.Null(found);
            return;
        }

        Assert.NotNull(found);
        Assert.Equal(CreatedAt + row.ExpectedLastSeen!.Value, found.Session.LastSeenAt);
        Assert.Equal(SessionExpiryCase.At(CreatedAt, row.ExpectedExpires), found.Session.ExpiresAt);

        // What was returned is what was stored.
        var stored = await Store.GetAsync(kind, session.Id, lookup.Now, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(found.Session.LastSeenAt, stored.Session.LastSeenAt);
        Assert.Equal(found.Session.ExpiresAt, stored.Session.ExpiresAt);
        Assert.Equal(session.AbsoluteExpiresAt, stored.Session.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task A_patched_expiry_is_capped_by_the_absolute_expiry()
    {
        var kind = "exp" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var absolute = CreatedAt.AddMinutes(35);
        var session = new Session
        {
            Id = SessionIds.New("alice"),
            Kind = kind,
            UserId = "alice",
            CreatedAt = CreatedAt,
            AuthenticatedAt = CreatedAt,
            LastSeenAt = CreatedAt,
            ExpiresAt = CreatedAt.AddMinutes(30),
            AbsoluteExpiresAt = absolute,
        };
        await Store.CreateAsync(new SessionRecord(session, RandomNumberGenerator.GetBytes(32)), 0, CreatedAt, CancellationToken.None);

        var capped = await Store.UpdateAsync(kind, session.Id, new SessionPatch { ExpiresAt = CreatedAt.AddMinutes(40) }, CreatedAt.AddMinutes(10), CancellationToken.None);
        var kept = await Store.UpdateAsync(kind, session.Id, new SessionPatch { ExpiresAt = CreatedAt.AddMinutes(33) }, CreatedAt.AddMinutes(10), CancellationToken.None);

        Assert.Equal(absolute, capped?.Session.ExpiresAt);
        Assert.Equal(CreatedAt.AddMinutes(33), kept?.Session.ExpiresAt);
    }
}
