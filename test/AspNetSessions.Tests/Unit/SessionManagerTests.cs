using System.Globalization;
using System.Security.Cryptography;
using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Unit;

/// <summary>The session API and its expiry policy, on the memory store, under a fake clock.</summary>
public sealed class SessionManagerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemorySessionStore _store;

    // A long sweep interval: these tests look at expired sessions the store still holds.
    public SessionManagerTests() => _store = new MemorySessionStore(_time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Create_returns_a_token_that_authenticates_and_stores_only_a_digest()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest
        {
            UserId = "alice",
            Claims = [new SessionClaim("role", "admin")],
            Data = new Dictionary<string, string> { ["theme"] = "dark" },
            Metadata = new Dictionary<string, string> { ["device"] = "phone" },
        });

        Assert.StartsWith("sess_", created.Token, StringComparison.Ordinal);
        Assert.Equal("alice", created.Session.UserId);
        Assert.Equal(_time.GetUtcNow().AddMinutes(30), created.Session.ExpiresAt);
        Assert.Equal(_time.GetUtcNow().AddDays(7), created.Session.AbsoluteExpiresAt);
        var authenticated = await manager.AuthenticateAsync(created.Token);
        Assert.Equal(created.Session.Id, authenticated!.Id);
        Assert.Equal([new SessionClaim("role", "admin")], authenticated.Claims);
        Assert.Equal("dark", authenticated.Data["theme"]);

        var stored = await _store.GetAsync("Session", created.Session.Id, _time.GetUtcNow(), default);
        Assert.Equal(32, stored!.Digest.Length);
        Assert.DoesNotContain(created.Token, stored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Token = sess_", created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_expiry_slides_with_use()
    {
        var manager = Manager(o => o.SlidingGranularity = TimeSpan.Zero);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(25));
            var session = await manager.AuthenticateAsync(created.Token);
            Assert.NotNull(session);
            Assert.Equal(_time.GetUtcNow().AddMinutes(30), session.ExpiresAt);
            Assert.Equal(_time.GetUtcNow(), session.LastSeenAt);
        }

        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(await manager.AuthenticateAsync(created.Token));
    }

    [Fact]
    public async Task Sliding_writes_are_throttled_by_the_granularity_but_stay_within_it()
    {
        var manager = Manager(o => o.SlidingGranularity = TimeSpan.FromMinutes(1));
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var start = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromSeconds(30));
        var early = await manager.AuthenticateAsync(created.Token);
        Assert.Equal(start.AddMinutes(30), early!.ExpiresAt); // not written yet
        Assert.InRange(_time.GetUtcNow().AddMinutes(30) - early.ExpiresAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        _time.Advance(TimeSpan.FromSeconds(30));
        var written = await manager.AuthenticateAsync(created.Token);
        Assert.Equal(_time.GetUtcNow().AddMinutes(30), written!.ExpiresAt);
    }

    [Fact]
    public async Task The_default_granularity_is_a_tenth_of_the_idle_timeout_at_most_a_minute()
    {
        var options = Options(o => o.IdleTimeout = TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(30), options.SlidingGranularity);
        Assert.Equal(TimeSpan.FromMinutes(1), Options(o => o.IdleTimeout = TimeSpan.FromHours(2)).SlidingGranularity);
        Assert.Null(Options(o => o.IdleTimeout = null).SlidingGranularity);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_absolute_timeout_caps_a_session_that_is_used_all_the_time()
    {
        var manager = Manager(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(30);
            o.AbsoluteTimeout = TimeSpan.FromHours(1);
            o.SlidingGranularity = TimeSpan.Zero;
        });
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var start = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(start.AddMinutes(55), (await manager.AuthenticateAsync(created.Token))!.ExpiresAt);
        _time.Advance(TimeSpan.FromMinutes(25));
        var session = await manager.AuthenticateAsync(created.Token);
        Assert.Equal(start.AddHours(1), session!.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await manager.AuthenticateAsync(created.Token));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await manager.AuthenticateAsync(created.Token));
        Assert.Null(await manager.RefreshAsync(created.Session.Id));
    }

    [Fact]
    public async Task Either_timeout_can_be_switched_off()
    {
        var absoluteOnly = Manager(o => o.IdleTimeout = null, kind: "ApiKey", prefix: "key");
        var key = await absoluteOnly.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Equal(key.Session.AbsoluteExpiresAt, key.Session.ExpiresAt);
        _time.Advance(TimeSpan.FromDays(6));
        Assert.NotNull(await absoluteOnly.AuthenticateAsync(key.Token));

        var idleOnly = Manager(o => o.AbsoluteTimeout = null, kind: "Idle", prefix: "idle");
        var idle = await idleOnly.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Null(idle.Session.AbsoluteExpiresAt);

        var forever = Manager(o => (o.IdleTimeout, o.AbsoluteTimeout) = (null, null), kind: "Forever", prefix: "pat");
        var token = await forever.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Equal(DateTimeOffset.MaxValue, token.Session.ExpiresAt);
        _time.Advance(TimeSpan.FromDays(3650));
        Assert.NotNull(await forever.AuthenticateAsync(token.Token));
    }

    [Fact]
    public async Task Find_does_not_slide_but_authenticate_does()
    {
        var manager = Manager(o => o.SlidingGranularity = TimeSpan.Zero);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(created.Session.ExpiresAt, (await manager.FindAsync(created.Token))!.ExpiresAt);
        Assert.Equal(created.Session.ExpiresAt, (await manager.FindByIdAsync(created.Session.Id))!.ExpiresAt);
        Assert.True((await manager.AuthenticateAsync(created.Token))!.ExpiresAt > created.Session.ExpiresAt);
    }

    [Fact]
    public async Task Wrong_secrets_malformed_tokens_and_other_kinds_do_not_authenticate()
    {
        var sessions = Manager();
        var keys = Manager(kind: "ApiKey", prefix: "key");
        var created = await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Null(await keys.AuthenticateAsync(created.Token));
        Assert.Null(await sessions.AuthenticateAsync(TestSupport.DamagedToken.Of(created.Token)));
        Assert.Null(await sessions.AuthenticateAsync("garbage"));
        Assert.Null(await sessions.AuthenticateAsync(string.Empty));
        Assert.False(sessions.TryReadSessionId("garbage", out _));
        Assert.True(sessions.TryReadSessionId(created.Token, out var id));
        Assert.Equal(created.Session.Id, id);

        // Same id, a forged secret with a valid checksum: the digest check refuses it.
        var material = new byte[Tokens.SessionTokenCodec.KeyMaterialBytes];
        System.Buffers.Text.Base64Url.DecodeFromChars(created.Session.Id, material);
        RandomNumberGenerator.Fill(material.AsSpan(16));
        var forged = new Tokens.SessionTokenCodec("sess").Format(material);
        Assert.True(sessions.TryReadSessionId(forged, out _));
        Assert.Null(await sessions.AuthenticateAsync(forged));
    }

    [Fact]
    public async Task Revoke_kills_one_session_and_revoke_all_keeps_only_the_exception()
    {
        var manager = Manager();
        var a1 = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var a2 = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var a3 = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var b1 = await manager.CreateAsync(new SessionCreateRequest { UserId = "bob" });
        var revoked = new List<SessionRevokedContext>();
        var observed = Manager(o => o.Events.OnSessionRevoked = c => { revoked.Add(c); return Task.CompletedTask; });

        Assert.True(await observed.RevokeAsync(a1.Session.Id));
        Assert.False(await observed.RevokeAsync(a1.Session.Id));
        Assert.Null(await manager.AuthenticateAsync(a1.Token));

        Assert.Equal(1, await observed.RevokeAllAsync("alice", exceptSessionId: a3.Session.Id));
        Assert.Null(await manager.AuthenticateAsync(a2.Token));
        Assert.NotNull(await manager.AuthenticateAsync(a3.Token));
        Assert.NotNull(await manager.AuthenticateAsync(b1.Token));
        Assert.Equal(1, await manager.RevokeAllAsync("alice"));
        Assert.Null(await manager.AuthenticateAsync(a3.Token));

        Assert.Equal(2, revoked.Count);
        Assert.Equal(a1.Session.Id, revoked[0].SessionId);
        Assert.Equal(("alice", 1L), (revoked[1].UserId, revoked[1].Count));
    }

    [Fact]
    public async Task Rotate_issues_a_new_token_and_kills_the_old_one_at_once()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var rotated = await manager.RotateAsync(created.Session.Id);

        Assert.NotNull(rotated);
        Assert.Equal(created.Session.Id, rotated.Session.Id);
        Assert.NotEqual(created.Token, rotated.Token);
        Assert.Null(await manager.AuthenticateAsync(created.Token));
        Assert.Equal(created.Session.Id, (await manager.AuthenticateAsync(rotated.Token))!.Id);
        Assert.Null(await manager.RotateAsync("not-an-id"));
    }

    [Fact]
    public async Task Update_and_refresh_change_a_valid_session()
    {
        var manager = Manager(o => o.SlidingGranularity = TimeSpan.Zero);
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", Data = new Dictionary<string, string> { ["a"] = "1" } });

        var updated = await manager.UpdateAsync(created.Session.Id, new SessionUpdate { Metadata = new Dictionary<string, string> { ["device"] = "tv" } });
        Assert.Equal("tv", updated!.Metadata["device"]);
        Assert.Equal("1", updated.Data["a"]);

        _time.Advance(TimeSpan.FromMinutes(20));
        var refreshed = await manager.RefreshAsync(created.Session.Id);
        Assert.Equal(_time.GetUtcNow().AddMinutes(30), refreshed!.ExpiresAt);
        Assert.Equal(_time.GetUtcNow(), refreshed.LastSeenAt);

        Assert.Null(await manager.UpdateAsync("AAAAAAAAAAAAAAAAAAAAAA", new SessionUpdate()));
    }

    [Fact]
    public async Task List_count_and_delete_filter_by_user_status_and_metadata()
    {
        var manager = Manager(o => o.IdleTimeout = TimeSpan.FromMinutes(10));
        var phone = new Dictionary<string, string> { ["device"] = "phone" };
        var old = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", Metadata = phone });
        _time.Advance(TimeSpan.FromMinutes(5));
        var laptop = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", Metadata = new Dictionary<string, string> { ["device"] = "laptop" } });
        var bob = await manager.CreateAsync(new SessionCreateRequest { UserId = "bob", Metadata = phone });

        Assert.Equal([old.Session.Id, laptop.Session.Id], (await manager.ListAsync(new SessionFilter { UserId = "alice" })).Select(s => s.Id));
        Assert.Equal(2, await manager.CountAsync(new SessionFilter { Metadata = phone }));
        Assert.Equal(3, await manager.CountAsync());

        _time.Advance(TimeSpan.FromMinutes(6)); // the first session's idle expiry has passed
        Assert.Equal([laptop.Session.Id], (await manager.ListAsync(new SessionFilter { UserId = "alice" })).Select(s => s.Id));
        Assert.Equal(1, await manager.CountAsync(new SessionFilter { Status = SessionStatus.Expired }));
        Assert.Equal(3, await manager.CountAsync(new SessionFilter { Status = SessionStatus.All }));

        Assert.Equal(1, await manager.DeleteExpiredAsync());
        Assert.Equal(0, await manager.DeleteExpiredAsync());
        Assert.Equal(1, await manager.DeleteAsync(new SessionFilter { Metadata = phone }));
        Assert.Equal([laptop.Session.Id], (await manager.ListAsync()).Select(s => s.Id));
        Assert.NotNull(bob);
    }

    [Fact]
    public async Task Sessions_created_under_an_old_hashing_key_validate_until_that_key_is_removed()
    {
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var before = Manager(o => o.HashingKeys = [oldKey]);
        var created = await before.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var rotated = Manager(o => o.HashingKeys = [newKey, oldKey]);
        Assert.NotNull(await rotated.AuthenticateAsync(created.Token));
        Assert.NotNull(await rotated.FindAsync(created.Token));
        var fresh = await rotated.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Null(await before.AuthenticateAsync(fresh.Token));

        var retired = Manager(o => o.HashingKeys = [newKey]);
        Assert.Null(await retired.AuthenticateAsync(created.Token));
        Assert.NotNull(await retired.AuthenticateAsync(fresh.Token));
        Assert.Null(await Manager().AuthenticateAsync(fresh.Token)); // plain SHA-256 does not match an HMAC digest
    }

    [Fact]
    public async Task Created_event_sees_the_session_but_not_the_token()
    {
        SessionCreatedContext? seen = null;
        var manager = Manager(o => o.Events.OnSessionCreated = c => { seen = c; return Task.CompletedTask; });

        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Equal(created.Session, seen!.Session);
        Assert.Same(manager, seen.Manager);
    }

    [Fact]
    public async Task Instants_are_kept_to_the_millisecond()
    {
        _time.Advance(TimeSpan.FromTicks(1234567));
        var created = await Manager().CreateAsync(new SessionCreateRequest { UserId = "alice" });
        Assert.Equal(0, created.Session.CreatedAt.UtcTicks % TimeSpan.TicksPerMillisecond);
    }

    // Sign-in state (issue #14, step-up).

    [Fact]
    public async Task A_session_is_authenticated_at_its_creation_or_at_the_earlier_instant_the_request_names()
    {
        var manager = Manager();
        var now = _time.GetUtcNow();

        var plain = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var earlier = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", AuthenticatedAt = now.AddMinutes(-3).AddTicks(5) });

        Assert.Equal(plain.Session.CreatedAt, plain.Session.AuthenticatedAt);
        Assert.Equal(now.AddMinutes(-3), earlier.Session.AuthenticatedAt);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.CreateAsync(new SessionCreateRequest { UserId = "alice", AuthenticatedAt = now.AddSeconds(1) }));
    }

    [Fact]
    public async Task ExpiresAt_caps_the_absolute_expiry_and_never_extends_it()
    {
        var manager = Manager();
        var now = _time.GetUtcNow();

        var capped = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", ExpiresAt = now.AddMinutes(10) });
        var beyond = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", ExpiresAt = now.AddDays(30) });

        Assert.Equal(now.AddMinutes(10), capped.Session.AbsoluteExpiresAt);
        Assert.Equal(now.AddMinutes(10), capped.Session.ExpiresAt);
        Assert.Equal(now.AddDays(7), beyond.Session.AbsoluteExpiresAt);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.CreateAsync(new SessionCreateRequest { UserId = "alice", ExpiresAt = now }));
        var unlimited = Manager(o => o.AbsoluteTimeout = null);
        Assert.Equal(now.AddHours(1), (await unlimited.CreateAsync(new SessionCreateRequest { UserId = "alice", ExpiresAt = now.AddHours(1) })).Session.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task Reauthenticate_moves_only_the_authentication_time_and_keeps_id_token_and_items()
    {
        var manager = Manager(o => o.SlidingGranularity = TimeSpan.Zero);
        var items = new Dictionary<string, string> { [".Token.access_token"] = "at" };
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", AuthenticationItems = items });
        _time.Advance(TimeSpan.FromMinutes(10));

        var reauthenticated = await manager.ReauthenticateAsync(created.Session.Id);

        Assert.NotNull(reauthenticated);
        Assert.Equal(_time.GetUtcNow(), reauthenticated.AuthenticatedAt);
        Assert.Equal(created.Session with { AuthenticatedAt = reauthenticated.AuthenticatedAt }, reauthenticated with { AuthenticationItems = created.Session.AuthenticationItems });
        Assert.Equal(items, reauthenticated.AuthenticationItems);
        Assert.Equal(reauthenticated.AuthenticatedAt, (await manager.AuthenticateAsync(created.Token))?.AuthenticatedAt);
        var rotated = await manager.RotateAsync(created.Session.Id);
        Assert.Equal(reauthenticated.AuthenticatedAt, rotated?.Session.AuthenticatedAt);
        Assert.Equal(items, rotated?.Session.AuthenticationItems);
        Assert.Null(await manager.ReauthenticateAsync("not-a-session-id"));
        Assert.True(await manager.RevokeAsync(created.Session.Id));
        Assert.Null(await manager.ReauthenticateAsync(created.Session.Id));
    }

    [Fact]
    public async Task Update_replaces_the_authentication_items_within_the_size_limit()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice", AuthenticationItems = new Dictionary<string, string> { [".Token.access_token"] = "old" } });
        var refreshed = new Dictionary<string, string> { [".Token.access_token"] = "new", [".TokenNames"] = "access_token" };

        var updated = await manager.UpdateAsync(created.Session.Id, new SessionUpdate { AuthenticationItems = refreshed });
        var tooLarge = new SessionUpdate { AuthenticationItems = new Dictionary<string, string> { ["x"] = new string('x', SessionAuthenticationItems.MaxBytes) } };

        Assert.Equal(refreshed, updated?.AuthenticationItems);
        Assert.Equal(refreshed, (await manager.AuthenticateAsync(created.Token))?.AuthenticationItems);
        await Assert.ThrowsAsync<ArgumentException>(() => manager.UpdateAsync(created.Session.Id, tooLarge));
        Assert.Equal(refreshed, (await manager.FindByIdAsync(created.Session.Id))?.AuthenticationItems);
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Freshness_is_decided_in_whole_seconds(int elapsedSeconds, bool fresh)
    {
        var authenticatedAt = new DateTimeOffset(2026, 1, 1, 9, 0, 0, 999, TimeSpan.Zero);
        var now = authenticatedAt.AddMilliseconds(-999).AddSeconds(elapsedSeconds);

        Assert.Equal(fresh, RecentAuthentication.IsFresh(authenticatedAt, now, TimeSpan.FromMinutes(5)));
        Assert.False(RecentAuthentication.IsFresh(null, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Only_the_items_the_session_does_not_derive_itself_are_kept()
    {
        var properties = new Microsoft.AspNetCore.Authentication.AuthenticationProperties
        {
            IsPersistent = true,
            IssuedUtc = _time.GetUtcNow(),
            ExpiresUtc = _time.GetUtcNow().AddHours(1),
            AllowRefresh = false,
            RedirectUri = "/next",
        };
        properties.Items["app"] = "v";

        var kept = SessionAuthenticationItems.Select(properties);

        Assert.Equal([".persistent", "app"], kept!.Keys.Order(StringComparer.Ordinal));
        Assert.Null(SessionAuthenticationItems.Select(new Microsoft.AspNetCore.Authentication.AuthenticationProperties()));
    }

    // --- API keys (issue #14) ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_kind_that_declares_scopes_never_creates_an_unrestricted_session()
    {
        var keys = Manager(o => o.Scopes = ["orders:read", "orders:write"], kind: "ApiKey", prefix: "key");

        var none = await keys.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var reader = await keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Scopes = ["orders:read", "orders:read"], Name = "ci" });

        Assert.Equal([], none.Session.Scopes!);
        Assert.Equal(["orders:read"], reader.Session.Scopes!);
        Assert.Equal("ci", (await keys.AuthenticateAsync(reader.Token))!.Name);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Scopes = ["admin"] }));
        Assert.Contains("not one of the scopes of this kind: orders:read, orders:write", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kind_without_scopes_creates_unrestricted_sessions_unless_scopes_are_asked_for()
    {
        var sessions = Manager();

        Assert.Null((await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" })).Session.Scopes);
        Assert.Equal(["reports:x"], (await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Scopes = ["reports:x"] })).Session.Scopes!);
        Assert.Equal([], (await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Scopes = [] })).Session.Scopes!);
    }

    [Fact]
    public async Task A_requested_lifetime_sets_the_absolute_expiry_and_never_exceeds_the_kinds()
    {
        var keys = Manager(o => { o.IdleTimeout = null; o.AbsoluteTimeout = TimeSpan.FromDays(90); }, kind: "ApiKey", prefix: "key");

        var created = await keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Lifetime = TimeSpan.FromDays(1) });

        Assert.Equal(_time.GetUtcNow().AddDays(1), created.Session.AbsoluteExpiresAt);
        Assert.Equal(_time.GetUtcNow().AddDays(1), created.Session.ExpiresAt);
        await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Lifetime = TimeSpan.FromDays(91) }));
        await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Lifetime = TimeSpan.Zero }));
        Assert.Equal(_time.GetUtcNow().AddDays(90), (await keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Lifetime = TimeSpan.FromDays(90) })).Session.AbsoluteExpiresAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("tab\there")]
    public async Task A_bad_name_is_refused(string name)
    {
        var keys = Manager();
        await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Name = name }));
        await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new SessionCreateRequest { UserId = "alice", Name = new string('n', 101) }));
    }

    public static TheoryData<string?, string[]?, string?, string> BadKeys => new()
    {
        { "", null, null, "not blank" },
        { "   ", null, null, "not blank" },
        { "a\u0007b", null, null, "control characters" },
        { new string('n', 101), null, null, "1-100 characters" },
        { null, ["orders read"], null, "is not a scope" },
        { null, ["orders\"read"], null, "is not a scope" },
        { null, ["orders\\read"], null, "is not a scope" },
        { null, [""], null, "is not a scope" },
        { null, ["orders:delete"], null, "not one of the scopes of this kind" },
        { null, Enumerable.Repeat("orders:read", 33).ToArray(), null, "at most 32 scopes" },
        { null, null, "00:00:00", "must be positive" },
        { null, null, "-1.00:00:00", "must be positive" },
        { null, null, "90.00:00:01", "AbsoluteTimeout" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_name_scope_or_lifetime_is_refused_saying_what_is_wrong(string? name, string[]? scopes, string? lifetime, string message)
    {
        var keys = Manager(o => { o.Scopes = ["orders:read", "orders:write"]; o.IdleTimeout = null; o.AbsoluteTimeout = TimeSpan.FromDays(90); }, kind: "ApiKey", prefix: "key");
        var request = new SessionCreateRequest { UserId = "alice", Name = name, Scopes = scopes, Lifetime = lifetime is null ? null : TimeSpan.Parse(lifetime, CultureInfo.InvariantCulture) };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(request));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxSessionsPerUser_revokes_the_oldest_and_raises_a_revocation_for_it()
    {
        var revoked = new List<string?>();
        var manager = Manager(o =>
        {
            o.MaxSessionsPerUser = 2;
            o.Events.OnSessionRevoked = c => { revoked.Add(c.SessionId); return Task.CompletedTask; };
        });
        var first = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        _time.Advance(TimeSpan.FromSeconds(1));
        var third = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Null(await manager.AuthenticateAsync(first.Token));
        Assert.NotNull(await manager.AuthenticateAsync(second.Token));
        Assert.NotNull(await manager.AuthenticateAsync(third.Token));
        Assert.Equal([first.Session.Id], revoked);
    }

    // ---------------------------------------------------------------------------------------------------------

    private SessionManager Manager(Action<SessionAuthenticationOptions>? configure = null, string kind = "Session", string prefix = "sess") =>
        new(kind, Options(o => { o.TokenPrefix = prefix; configure?.Invoke(o); }, kind), _store, _time, NullLogger<SessionManager>.Instance);

    private static SessionAuthenticationOptions Options(Action<SessionAuthenticationOptions> configure, string scheme = "Session")
    {
        var options = new SessionAuthenticationOptions();
        configure(options);
        new SessionAuthenticationOptionsPostConfigure().PostConfigure(scheme, options);
        return options;
    }
}
