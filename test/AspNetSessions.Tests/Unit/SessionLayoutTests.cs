using System.Reflection;
using System.Security.Claims;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// <see cref="Session"/> keeps its instants as UTC ticks and its claims and rarely set members behind one reference:
/// what apps read, compare and copy with <c>with</c> must be exactly what they set.
/// </summary>
public sealed class SessionLayoutTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Instants_read_back_as_set_in_utc()
    {
        var session = Bare() with
        {
            CreatedAt = T0,
            LastSeenAt = T0.AddTicks(1),
            ExpiresAt = DateTimeOffset.MaxValue,
            AbsoluteExpiresAt = T0.AddDays(7),
            AuthenticatedAt = DateTimeOffset.MinValue,
        };

        Assert.Equal(T0, session.CreatedAt);
        Assert.Equal(T0.AddTicks(1), session.LastSeenAt);
        Assert.Equal(DateTimeOffset.MaxValue, session.ExpiresAt);
        Assert.Equal(T0.AddDays(7), session.AbsoluteExpiresAt);
        Assert.Equal(DateTimeOffset.MinValue, session.AuthenticatedAt);
        Assert.All(
            new[] { session.CreatedAt, session.LastSeenAt, session.ExpiresAt, session.AbsoluteExpiresAt!.Value, session.AuthenticatedAt },
            instant => Assert.Equal(TimeSpan.Zero, instant.Offset));
    }

    [Fact]
    public void An_instant_with_another_offset_is_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.FromHours(2));
        var session = Bare() with { CreatedAt = local, AbsoluteExpiresAt = local, AuthenticatedAt = local };

        Assert.Equal(local, session.CreatedAt);
        Assert.Equal(local.UtcTicks, session.CreatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, session.CreatedAt.Offset);
        Assert.Equal(local.UtcDateTime, session.AbsoluteExpiresAt!.Value.DateTime);
        Assert.Equal(Bare() with { CreatedAt = local.ToUniversalTime(), AbsoluteExpiresAt = local.ToUniversalTime(), AuthenticatedAt = local.ToUniversalTime() }, session);
    }

    [Fact]
    public void Defaults_are_those_of_a_new_session()
    {
        var session = Bare();

        Assert.Null(session.AbsoluteExpiresAt);
        Assert.Equal(default, session.AuthenticatedAt);
        Assert.Empty(session.Claims);
        Assert.Same(Array.Empty<SessionClaim>(), session.Claims);
        Assert.Same(SessionMaps.Empty, session.Data);
        Assert.Same(SessionMaps.Empty, session.Metadata);
        Assert.Same(SessionMaps.Empty, session.AuthenticationItems);
        Assert.Null(session.Name);
        Assert.Null(session.Scopes);
        Assert.Null((session with { AbsoluteExpiresAt = T0 } with { AbsoluteExpiresAt = null }).AbsoluteExpiresAt);
    }

    [Fact]
    public void Every_member_reads_back_what_was_set_in_any_combination()
    {
        IReadOnlyList<SessionClaim> claims = [new(ClaimTypes.Role, "admin")];
        var data = new Dictionary<string, string> { ["d"] = "1" };
        var metadata = new Dictionary<string, string> { ["m"] = "2" };
        var items = new Dictionary<string, string> { [".persistent"] = "" };
        IReadOnlyList<string> scopes = ["orders:read"];

        // Each subset of the six members, set in an initializer, then each member changed alone with `with`.
        for (var mask = 0; mask < 64; mask++)
        {
            var session = new Session
            {
                Id = "id",
                Kind = "k",
                UserId = "alice",
                CreatedAt = T0,
                LastSeenAt = T0,
                ExpiresAt = T0.AddHours(1),
                Claims = (mask & 1) != 0 ? claims : [],
                Data = (mask & 2) != 0 ? data : SessionMaps.Empty,
                Metadata = (mask & 4) != 0 ? metadata : SessionMaps.Empty,
                AuthenticationItems = (mask & 8) != 0 ? items : SessionMaps.Empty,
                Name = (mask & 16) != 0 ? "ci" : null,
                Scopes = (mask & 32) != 0 ? scopes : null,
            };

            AssertMembers(session, mask);
            AssertMembers(session with { Claims = claims }, mask | 1);
            AssertMembers(session with { Data = data }, mask | 2);
            AssertMembers(session with { Metadata = metadata }, mask | 4);
            AssertMembers(session with { AuthenticationItems = items }, mask | 8);
            AssertMembers(session with { Name = "ci" }, mask | 16);
            AssertMembers(session with { Scopes = scopes }, mask | 32);
            AssertMembers(session with { Claims = [], Data = SessionMaps.Empty, Metadata = SessionMaps.Empty }, mask & ~7);
            AssertMembers(session with { AuthenticationItems = SessionMaps.Empty, Name = null, Scopes = null }, mask & ~56);
            Assert.Equal(Bare() with { CreatedAt = T0, LastSeenAt = T0, ExpiresAt = T0.AddHours(1) }, session with
            {
                Claims = [], Data = SessionMaps.Empty, Metadata = SessionMaps.Empty, AuthenticationItems = SessionMaps.Empty, Name = null, Scopes = null,
            });
        }

        void AssertMembers(Session session, int mask)
        {
            Assert.Equal("alice", session.UserId);
            Assert.Equal(T0.AddHours(1), session.ExpiresAt);
            if ((mask & 1) != 0)
            {
                Assert.Same(claims, session.Claims);
            }
            else
            {
                Assert.Empty(session.Claims);
            }

            Assert.Same((mask & 2) != 0 ? data : SessionMaps.Empty, session.Data);
            Assert.Same((mask & 4) != 0 ? metadata : SessionMaps.Empty, session.Metadata);
            Assert.Same((mask & 8) != 0 ? items : SessionMaps.Empty, session.AuthenticationItems);
            Assert.Equal((mask & 16) != 0 ? "ci" : null, session.Name);
            Assert.Same((mask & 32) != 0 ? scopes : null, session.Scopes);
        }
    }

    [Fact]
    public void A_with_copy_leaves_the_original_unchanged()
    {
        var original = Bare() with { Metadata = new Dictionary<string, string> { ["m"] = "1" }, Name = "ci" };
        var copy = original with { Name = "other", Data = new Dictionary<string, string> { ["d"] = "2" }, LastSeenAt = T0.AddMinutes(5) };

        Assert.Equal("ci", original.Name);
        Assert.Same(SessionMaps.Empty, original.Data);
        Assert.Equal(T0, original.LastSeenAt);
        Assert.Same(original.Metadata, copy.Metadata);
        Assert.Equal("other", copy.Name);
        Assert.Equal("2", copy.Data["d"]);
    }

    [Fact]
    public void Sessions_are_equal_when_every_public_property_is()
    {
        var a = Full();
        var b = Full();

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, a with { });
        Assert.Equal(Bare(), Bare());
        Assert.Equal(Bare().GetHashCode(), Bare().GetHashCode());
    }

    [Fact]
    public void Every_public_property_takes_part_in_equality()
    {
        var properties = typeof(Session).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(14, properties.Length); // a new property needs a line in Session.Equals and GetHashCode, and one below
        var changed = new Dictionary<string, Func<Session, Session>>
        {
            [nameof(Session.Id)] = s => s with { Id = "other" },
            [nameof(Session.Kind)] = s => s with { Kind = "other" },
            [nameof(Session.UserId)] = s => s with { UserId = "other" },
            [nameof(Session.CreatedAt)] = s => s with { CreatedAt = s.CreatedAt.AddTicks(1) },
            [nameof(Session.LastSeenAt)] = s => s with { LastSeenAt = s.LastSeenAt.AddTicks(1) },
            [nameof(Session.ExpiresAt)] = s => s with { ExpiresAt = s.ExpiresAt.AddTicks(1) },
            [nameof(Session.AbsoluteExpiresAt)] = s => s with { AbsoluteExpiresAt = null },
            [nameof(Session.AuthenticatedAt)] = s => s with { AuthenticatedAt = s.AuthenticatedAt.AddTicks(1) },
            [nameof(Session.Claims)] = s => s with { Claims = [.. s.Claims] },
            [nameof(Session.Data)] = s => s with { Data = new Dictionary<string, string>(s.Data) },
            [nameof(Session.Metadata)] = s => s with { Metadata = new Dictionary<string, string>(s.Metadata) },
            [nameof(Session.AuthenticationItems)] = s => s with { AuthenticationItems = new Dictionary<string, string>(s.AuthenticationItems) },
            [nameof(Session.Name)] = s => s with { Name = "other" },
            [nameof(Session.Scopes)] = s => s with { Scopes = [.. s.Scopes!] },
        };

        foreach (var property in properties)
        {
            var session = Full();
            var other = changed[property.Name](session);
            Assert.False(session.Equals(other), property.Name);
            Assert.False(other.Equals(session), property.Name);
            Assert.NotEqual(session.GetHashCode(), other.GetHashCode());
        }
    }

    [Fact]
    public void Collections_compare_as_they_did_in_the_generated_equality_by_their_own_Equals()
    {
        // Dictionaries and lists have reference equality: equal contents in two instances are not equal sessions,
        // as with the compiler-generated equality over the properties.
        var a = Bare() with { Metadata = new Dictionary<string, string> { ["m"] = "1" } };
        var b = Bare() with { Metadata = new Dictionary<string, string> { ["m"] = "1" } };
        Assert.NotEqual(a, b);
        Assert.Equal(a, b with { Metadata = a.Metadata });
        Assert.NotEqual(Bare(), Bare() with { Data = new Dictionary<string, string>() });
        Assert.Equal(Bare(), Bare() with { Name = "x" } with { Name = null });
    }

    [Fact]
    public void Validity_compares_instants()
    {
        var session = Bare() with { ExpiresAt = T0 };

        Assert.True(session.IsValidAt(T0.AddTicks(-1)));
        Assert.False(session.IsValidAt(T0));
        Assert.False(session.IsValidAt(T0.ToOffset(TimeSpan.FromHours(-5))));
        Assert.True(session.IsValidAt(T0.AddTicks(-1).ToOffset(TimeSpan.FromHours(3))));
        Assert.True((Bare() with { ExpiresAt = DateTimeOffset.MaxValue }).IsValidAt(DateTimeOffset.MaxValue.AddTicks(-1)));
    }

    [Fact]
    public void Printing_shows_every_public_property()
    {
        var text = Full().ToString();

        Assert.StartsWith("Session { Id = id, Kind = k, UserId = alice, CreatedAt = ", text, StringComparison.Ordinal);
        Assert.Contains("Name = ci", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_payload", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_session_takes_88_bytes()
    {
        if (!Environment.Is64BitProcess)
        {
            return; // object sizes are those of a 64-bit process
        }

        _ = Bare();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var session = Bare();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Header and method table 16, Id, Kind, UserId and the payload 4 × 8, five instants 5 × 8 (was 176).
        Assert.Equal(88, allocated);
        GC.KeepAlive(session);
    }

    private static Session Bare() => new()
    {
        Id = "id",
        Kind = "k",
        UserId = "alice",
        CreatedAt = T0,
        LastSeenAt = T0,
        ExpiresAt = T0.AddHours(1),
    };

    private static readonly IReadOnlyList<SessionClaim> FullClaims = [new(ClaimTypes.Role, "admin")];
    private static readonly IReadOnlyDictionary<string, string> FullData = new Dictionary<string, string> { ["d"] = "1" };
    private static readonly IReadOnlyDictionary<string, string> FullMetadata = new Dictionary<string, string> { ["m"] = "2" };
    private static readonly IReadOnlyDictionary<string, string> FullItems = new Dictionary<string, string> { [".persistent"] = "" };
    private static readonly IReadOnlyList<string> FullScopes = ["orders:read"];

    private static Session Full() => Bare() with
    {
        AbsoluteExpiresAt = T0.AddDays(7),
        AuthenticatedAt = T0,
        Claims = FullClaims,
        Data = FullData,
        Metadata = FullMetadata,
        AuthenticationItems = FullItems,
        Name = "ci",
        Scopes = FullScopes,
    };
}
