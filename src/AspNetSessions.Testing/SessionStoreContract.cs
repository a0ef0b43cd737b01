using System.Security.Cryptography;
using AspNetSessions.Stores;

namespace AspNetSessions.Testing;

/// <summary>
/// The behaviour every <see cref="ISessionStore"/> must have. A backend's test class derives from this and supplies
/// the store; the suite runs unchanged against each. Every test works in its own fresh kind, so a store shared by
/// several tests (one Redis server) is fine.
/// </summary>
public abstract class SessionStoreContract
{
    /// <summary>The instant the suite's sessions are created at.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly string _kind = "k" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    /// <summary>The store under test.</summary>
    protected abstract ISessionStore Store { get; }

    [Fact]
    public async Task Create_then_get_round_trips_every_field()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: TimeSpan.FromDays(1), createdAt: null) with { };
        record = record with
        {
            Session = record.Session with
            {
                Claims = [new SessionClaim("role", "admin"), new SessionClaim("role", "ops"), new SessionClaim("name", "Älice \"q\" ✓")],
                Data = new Dictionary<string, string> { ["theme"] = "dark", ["empty"] = string.Empty },
                Metadata = new Dictionary<string, string> { [SessionMetadataKeys.UserAgent] = "UA/1.0", [SessionMetadataKeys.IpAddress] = "10.0.0.1" },
            },
        };
        await Store.CreateAsync(record, 0, T0, None);

        var read = await Store.GetAsync(_kind, record.Session.Id, T0, None);

        AssertSameRecord(record, read);
    }

    [Fact]
    public async Task A_session_that_never_expires_round_trips()
    {
        var record = NewRecord("alice", idle: null, absolute: null, createdAt: null);
        Assert.Equal(DateTimeOffset.MaxValue, record.Session.ExpiresAt);
        await Store.CreateAsync(record, 0, T0, None);

        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, T0.AddYears(50), None));
    }

    [Fact]
    public async Task Get_returns_null_for_unknown_ids_other_kinds_and_expired_sessions()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);

        Assert.Null(await Store.GetAsync(_kind, NewId("alice"), T0, None));
        Assert.Null(await Store.GetAsync(_kind + "x", record.Session.Id, T0, None));
        Assert.Null(await Store.GetAsync(_kind, record.Session.Id, record.Session.ExpiresAt, None));
        Assert.NotNull(await Store.GetAsync(_kind, record.Session.Id, record.Session.ExpiresAt.AddMilliseconds(-1), None));
    }

    [Fact]
    public async Task Create_refuses_an_existing_id_and_leaves_the_stored_session_as_it_was()
    {
        var record = NewRecord("alice");
        var other = NewRecord("alice", createdAt: T0.AddSeconds(-1));
        await SeedAsync(T0, other, record);
        var duplicate = record with { Session = record.Session with { Metadata = new Dictionary<string, string> { ["v"] = "2" } }, Digest = RandomNumberGenerator.GetBytes(32) };

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.CreateAsync(duplicate, 0, T0, None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.CreateAsync(duplicate, 1, T0, None));

        // Refused under another created-at too: the listing order keeps the stored one, once.
        var moved = duplicate with { Session = duplicate.Session with { CreatedAt = T0.AddSeconds(-5) } };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.CreateAsync(moved, 0, T0, None));

        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, T0, None));
        AssertSameRecord(other, await Store.GetAsync(_kind, other.Session.Id, T0, None));
        Assert.Equal(2, await Store.CountAsync(Query("alice"), None));
        Assert.Equal([other.Session.Id, record.Session.Id], Ids(await Store.QueryAsync(Query(null), None)));
    }

    [Fact]
    public async Task FindAndSlide_needs_the_right_digest_and_touches_nothing_otherwise()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddMinutes(10);

        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, later, digest: RandomNumberGenerator.GetBytes(32)), None));
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, later, digest: record.Digest[..31]), None));
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, later) with { Kind = _kind + "x" }, None));

        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, later, None));
    }

    [Fact]
    public async Task FindAndSlide_slides_expiry_and_last_seen()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: null, createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddMinutes(20);

        var found = await Store.FindAndSlideAsync(Lookup(record, later, slideTo: later.AddMinutes(30)), None);

        Assert.NotNull(found);
        Assert.Equal(later, found.Session.LastSeenAt);
        Assert.Equal(later.AddMinutes(30), found.Session.ExpiresAt);
        AssertSameRecord(found, await Store.GetAsync(_kind, record.Session.Id, later, None));
        // Past the original expiry, the slid session is still there.
        Assert.NotNull(await Store.GetAsync(_kind, record.Session.Id, T0.AddMinutes(45), None));
    }

    [Fact]
    public async Task FindAndSlide_is_capped_by_the_absolute_expiry()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: TimeSpan.FromMinutes(40), createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddMinutes(25);

        var found = await Store.FindAndSlideAsync(Lookup(record, later, slideTo: later.AddMinutes(30)), None);

        Assert.Equal(T0.AddMinutes(40), found!.Session.ExpiresAt);
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddMinutes(40), slideTo: T0.AddMinutes(70)), None));
    }

    [Fact]
    public async Task FindAndSlide_does_not_write_within_the_touch_interval()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: null, createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);
        var soon = T0.AddSeconds(30);

        var found = await Store.FindAndSlideAsync(Lookup(record, soon, slideTo: soon.AddMinutes(30), touch: TimeSpan.FromMinutes(1)), None);

        AssertSameRecord(record, found);
        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, soon, None));
    }

    [Fact]
    public async Task FindAndSlide_never_moves_expiry_backwards_and_updates_last_seen_without_sliding()
    {
        var record = NewRecord("alice", idle: null, absolute: TimeSpan.FromDays(90), createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddDays(1);

        var found = await Store.FindAndSlideAsync(Lookup(record, later, slideTo: null), None);
        Assert.Equal(later, found!.Session.LastSeenAt);
        Assert.Equal(record.Session.ExpiresAt, found.Session.ExpiresAt);

        var earlier = await Store.FindAndSlideAsync(Lookup(record, later.AddMinutes(1), slideTo: T0.AddMinutes(5)), None);
        Assert.Equal(record.Session.ExpiresAt, earlier!.Session.ExpiresAt);
    }

    [Fact]
    public async Task FindAndSlide_does_not_find_an_expired_session()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: null, createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);

        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddMinutes(30), slideTo: T0.AddMinutes(60)), None));
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddMinutes(31), slideTo: T0.AddMinutes(61)), None));
    }

    [Fact]
    public async Task Update_replaces_only_the_fields_it_names()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);

        var updated = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch
        {
            Metadata = new Dictionary<string, string> { ["device"] = "phone" },
            Claims = [new SessionClaim("role", "user")],
        }, T0, None);

        var expected = record with
        {
            Session = record.Session with { Metadata = updated!.Session.Metadata, Claims = updated.Session.Claims },
        };
        AssertSameRecord(expected, updated);
        Assert.Equal("phone", updated.Session.Metadata["device"]);
        Assert.Equal([new SessionClaim("role", "user")], updated.Session.Claims);
        Assert.Equal(record.Session.Data.OrderBy(p => p.Key), updated.Session.Data.OrderBy(p => p.Key));
        AssertSameRecord(updated, await Store.GetAsync(_kind, record.Session.Id, T0, None));
    }

    [Fact]
    public async Task Update_with_a_new_digest_rotates_the_token()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);
        var newDigest = RandomNumberGenerator.GetBytes(32);

        await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = newDigest }, T0, None);

        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0), None));
        Assert.NotNull(await Store.FindAndSlideAsync(Lookup(record, T0, digest: newDigest), None));
    }

    [Fact]
    public async Task A_grace_rotation_accepts_the_previous_digest_unslid_until_the_grace_end_and_refuses_it_from_then()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: null, createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);
        var newDigest = RandomNumberGenerator.GetBytes(32);
        var (rotatedAt, graceEnd) = (T0.AddMinutes(1), T0.AddMinutes(1).AddSeconds(30));

        var rotated = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = newDigest, PreviousDigestAcceptedUntil = graceEnd }, rotatedAt, None);

        Assert.NotNull(rotated);
        Assert.Equal(newDigest, rotated.Digest);
        Assert.Equal(record.Digest, rotated.PreviousDigest?.Digest);
        Assert.Equal(graceEnd, rotated.PreviousDigest?.AcceptedUntil);
        AssertSameRecord(rotated, await Store.GetAsync(_kind, record.Session.Id, rotatedAt, None));
        AssertSameRecord(rotated, (await Store.QueryAsync(Query("alice", rotatedAt), None)).Items.Single());

        // Until the grace end the previous digest is accepted, as a pure read: nothing slides, though a slide is due.
        var lastAccepted = graceEnd.AddMilliseconds(-1);
        var found = await Store.FindAndSlideAsync(Lookup(record, lastAccepted, slideTo: lastAccepted.AddMinutes(30)), None);
        Assert.Equal(SessionDigestMatch.Previous, found?.Match(record.Digest, lastAccepted));
        AssertSameRecord(rotated, found);
        AssertSameRecord(rotated, await Store.GetAsync(_kind, record.Session.Id, lastAccepted, None));

        // From the grace end it is refused; the current digest works and slides as ever.
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, graceEnd, slideTo: graceEnd.AddMinutes(30)), None));
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, graceEnd.AddMinutes(5)), None));
        var slid = await Store.FindAndSlideAsync(Lookup(record, graceEnd, digest: newDigest, slideTo: graceEnd.AddMinutes(30)), None);
        Assert.Equal(SessionDigestMatch.Current, slid?.Match(newDigest, graceEnd));
        Assert.Equal(graceEnd, slid!.Session.LastSeenAt);
        Assert.Equal(graceEnd.AddMinutes(30), slid.Session.ExpiresAt);
        Assert.Equal(SessionDigestMatch.None, slid.Match(record.Digest, graceEnd));
    }

    [Fact]
    public async Task A_rotation_without_grace_refuses_every_earlier_digest_at_once_and_a_grace_rotation_keeps_only_the_one_it_replaced()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);
        var (first, second, third) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var graceEnd = T0.AddSeconds(30);

        await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = first, PreviousDigestAcceptedUntil = graceEnd }, T0, None);
        var again = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = second, PreviousDigestAcceptedUntil = graceEnd }, T0.AddSeconds(1), None);
        Assert.Equal(first, again!.PreviousDigest?.Digest);
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(2)), None));
        Assert.NotNull(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(2), digest: first), None));

        // A rotation without a grace period (sign-in, a privilege change) ends the previous token at once too.
        var plain = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = third }, T0.AddSeconds(3), None);

        Assert.Null(plain!.PreviousDigest);
        Assert.Null((await Store.GetAsync(_kind, record.Session.Id, T0.AddSeconds(3), None))!.PreviousDigest);
        foreach (var old in new[] { record.Digest, first, second })
        {
            Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(3), digest: old), None));
        }

        Assert.NotNull(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(3), digest: third), None));
    }

    [Fact]
    public async Task A_revoked_session_refuses_its_current_and_previous_digest()
    {
        var revoked = NewRecord("alice");
        var revokedWithUser = NewRecord("alice", createdAt: T0.AddSeconds(1));
        await SeedAsync(T0, revoked, revokedWithUser);
        var graceEnd = T0.AddSeconds(30);
        var digests = new Dictionary<SessionRecord, byte[]>();
        foreach (var record in new[] { revoked, revokedWithUser })
        {
            digests[record] = RandomNumberGenerator.GetBytes(32);
            await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = digests[record], PreviousDigestAcceptedUntil = graceEnd }, T0, None);
        }

        Assert.True(await Store.DeleteAsync(_kind, revoked.Session.Id, None));
        Assert.Equal(1, await Store.DeleteManyAsync(Query("alice"), None));

        foreach (var record in new[] { revoked, revokedWithUser })
        {
            Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(1)), None));
            Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(1), digest: digests[record]), None));
        }
    }

    [Fact]
    public async Task Update_of_expiry_is_capped_and_missing_or_expired_sessions_are_not_updated()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: TimeSpan.FromHours(1), createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);

        var refreshed = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { ExpiresAt = T0.AddHours(5), LastSeenAt = T0.AddMinutes(1) }, T0.AddMinutes(1), None);
        Assert.Equal(T0.AddHours(1), refreshed!.Session.ExpiresAt);
        Assert.Equal(T0.AddMinutes(1), refreshed.Session.LastSeenAt);

        Assert.Null(await Store.UpdateAsync(_kind, NewId("alice"), new SessionPatch { Data = new Dictionary<string, string>() }, T0, None));
        Assert.Null(await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Data = new Dictionary<string, string>() }, T0.AddHours(1), None));
    }

    [Fact]
    public async Task Delete_removes_a_session_once()
    {
        var record = NewRecord("alice");
        await Store.CreateAsync(record, 0, T0, None);

        Assert.True(await Store.DeleteAsync(_kind, record.Session.Id, None));
        Assert.False(await Store.DeleteAsync(_kind, record.Session.Id, None));
        Assert.Null(await Store.GetAsync(_kind, record.Session.Id, T0, None));
        Assert.Null(await Store.FindAndSlideAsync(Lookup(record, T0), None));
        Assert.Equal(0, await Store.CountAsync(Query("alice"), None));
    }

    [Fact]
    public async Task Query_by_user_lists_only_that_users_sessions_oldest_first()
    {
        var first = NewRecord("alice", createdAt: T0);
        var second = NewRecord("alice", createdAt: T0.AddSeconds(1));
        var third = NewRecord("alice", createdAt: T0.AddSeconds(2));
        await SeedAsync(T0.AddSeconds(2), third, NewRecord("bob"), first, second);
        await Store.CreateAsync(NewRecord("alice") with { Session = NewRecord("alice").Session with { Kind = _kind + "x" } }, 0, T0, None);

        var listed = (await Store.QueryAsync(Query("alice", now: T0.AddSeconds(2)), None)).Items;

        Assert.Equal([first.Session.Id, second.Session.Id, third.Session.Id], listed.Select(r => r.Session.Id));
        Assert.All(listed, r => Assert.Equal(_kind, r.Session.Kind));
    }

    [Fact]
    public async Task Query_filters_by_status()
    {
        var shortLived = NewRecord("alice", idle: TimeSpan.FromMinutes(5), absolute: null, createdAt: null);
        var longLived = NewRecord("alice", idle: TimeSpan.FromHours(5), absolute: null, createdAt: null);
        await SeedAsync(T0, shortLived, longLived);
        var now = T0.AddMinutes(10);

        Assert.Equal([longLived.Session.Id], Ids(await Store.QueryAsync(Query("alice", now), None)));
        Assert.Equal(1, await Store.CountAsync(Query("alice", now), None));
        // An expired record may already be gone (native TTL), but it is never reported as valid.
        var expired = Ids(await Store.QueryAsync(Query("alice", now) with { Status = SessionStatus.Expired }, None));
        Assert.DoesNotContain(longLived.Session.Id, expired);
        var all = Ids(await Store.QueryAsync(Query("alice", now) with { Status = SessionStatus.All }, None));
        Assert.Contains(longLived.Session.Id, all);
        Assert.True(all.Count == 1 + expired.Count);
    }

    [Fact]
    public async Task Query_filters_by_metadata_and_excludes_a_session()
    {
        var phone = WithMetadata(NewRecord("alice"), ("device", "phone"), ("ip", "10.0.0.1"));
        var laptop = WithMetadata(NewRecord("alice"), ("device", "laptop"), ("ip", "10.0.0.1"));
        var bobPhone = WithMetadata(NewRecord("bob"), ("device", "phone"));
        await SeedAsync(T0, phone, laptop, bobPhone);

        var byDevice = new Dictionary<string, string> { ["device"] = "phone" };
        Assert.Equal([phone.Session.Id], Ids(await Store.QueryAsync(Query("alice") with { Metadata = byDevice }, None)));
        var both = new Dictionary<string, string> { ["device"] = "laptop", ["ip"] = "10.0.0.1" };
        Assert.Equal([laptop.Session.Id], Ids(await Store.QueryAsync(Query("alice") with { Metadata = both }, None)));
        var none = new Dictionary<string, string> { ["device"] = "phone", ["ip"] = "10.0.0.2" };
        Assert.Empty((await Store.QueryAsync(Query("alice") with { Metadata = none }, None)).Items);
        Assert.Equal([laptop.Session.Id], Ids(await Store.QueryAsync(Query("alice") with { ExceptSessionId = phone.Session.Id }, None)));

        // Kind-wide (no user): every user's matching sessions.
        var everyone = (await Store.QueryAsync(Query(null) with { Metadata = byDevice }, None)).Items;
        Assert.Equal(new[] { phone.Session.Id, bobPhone.Session.Id }.Order(), Ids(everyone).Order());
        Assert.Equal(2, await Store.CountAsync(Query(null) with { Metadata = byDevice }, None));
        Assert.Equal(3, await Store.CountAsync(Query(null), None));
    }

    [Fact]
    public async Task DeleteMany_by_user_keeps_the_excepted_session_and_other_users()
    {
        var keep = NewRecord("alice");
        var records = new[] { keep, NewRecord("alice"), NewRecord("alice"), NewRecord("bob") };
        await SeedAsync(T0, records);

        var deleted = await Store.DeleteManyAsync(Query("alice") with { Status = SessionStatus.All, ExceptSessionId = keep.Session.Id }, None);

        Assert.Equal(2, deleted);
        Assert.Equal([keep.Session.Id], Ids(await Store.QueryAsync(Query("alice"), None)));
        Assert.Equal(1, await Store.CountAsync(Query("bob"), None));
        Assert.Null(await Store.GetAsync(_kind, records[1].Session.Id, T0, None));
    }

    [Fact]
    public async Task DeleteMany_of_expired_sessions_leaves_valid_ones()
    {
        var expiring = NewRecord("alice", idle: TimeSpan.FromMinutes(5), absolute: null, createdAt: null);
        var valid = NewRecord("alice", idle: TimeSpan.FromHours(5), absolute: null, createdAt: null);
        await SeedAsync(T0, expiring, valid);
        var now = T0.AddMinutes(10);

        var deleted = await Store.DeleteManyAsync(Query(null, now) with { Status = SessionStatus.Expired }, None);

        Assert.InRange(deleted, 0, 1);
        Assert.Equal([valid.Session.Id], Ids(await Store.QueryAsync(Query("alice", now) with { Status = SessionStatus.All }, None)));
    }

    [Fact]
    public async Task Concurrent_slides_and_updates_lose_no_field()
    {
        var record = NewRecord("alice", idle: TimeSpan.FromMinutes(30), absolute: null, createdAt: null);
        await Store.CreateAsync(record, 0, T0, None);

        var slides = Enumerable.Range(1, 40).Select(i =>
            Store.FindAndSlideAsync(Lookup(record, T0.AddSeconds(i), slideTo: T0.AddSeconds(i).AddMinutes(30)), None).AsTask());
        var updates = Enumerable.Range(1, 10).Select(i =>
            Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Data = new Dictionary<string, string> { ["n"] = "x" } }, T0, None).AsTask());
        await Task.WhenAll(slides.Cast<Task>().Concat(updates));

        var final = await Store.GetAsync(_kind, record.Session.Id, T0, None);
        Assert.Equal("x", final!.Session.Data["n"]);
        Assert.True(final.Session.ExpiresAt >= T0.AddSeconds(1).AddMinutes(30));
        Assert.Equal(record.Digest, final.Digest);
    }

    // --- API keys (issue #14): name, scopes, MaxSessionsPerUser -----------------------------------------------

    [Fact]
    public async Task Name_and_scopes_round_trip_and_an_empty_scope_list_stays_apart_from_none()
    {
        var named = NewRecord("alice");
        named = named with { Session = named.Session with { Name = "ci \"deploy\" ✓", Scopes = ["orders:read", "a!#[]~"] } };
        var limitedToNothing = NewRecord("alice", createdAt: T0.AddSeconds(1));
        limitedToNothing = limitedToNothing with { Session = limitedToNothing.Session with { Scopes = [] } };
        var unrestricted = NewRecord("alice", createdAt: T0.AddSeconds(2));
        await Store.CreateAsync(named, 0, T0, None);
        await Store.CreateAsync(limitedToNothing, 0, T0, None);
        await Store.CreateAsync(unrestricted, 10, T0, None);

        AssertSameRecord(named, await Store.GetAsync(_kind, named.Session.Id, T0, None));
        AssertSameRecord(limitedToNothing, await Store.GetAsync(_kind, limitedToNothing.Session.Id, T0, None));
        AssertSameRecord(unrestricted, await Store.GetAsync(_kind, unrestricted.Session.Id, T0, None));
        var listed = (await Store.QueryAsync(Query("alice"), None)).Items;
        Assert.Equal(3, listed.Count);
        AssertSameRecord(named, listed[0]);
        AssertSameRecord(limitedToNothing, listed[1]);
        AssertSameRecord(unrestricted, listed[2]);
        var slid = await Store.FindAndSlideAsync(Lookup(named, T0.AddMinutes(1), slideTo: T0.AddMinutes(31)), None);
        Assert.Equal(named.Session.Scopes, slid!.Session.Scopes);
        Assert.Equal(named.Session.Name, slid.Session.Name);
    }

    [Fact]
    public async Task Create_under_a_cap_evicts_the_users_oldest_valid_sessions_and_nothing_else()
    {
        var expired = NewRecord("alice", idle: TimeSpan.FromMinutes(1), absolute: null, createdAt: T0.AddMinutes(-10));
        var oldest = NewRecord("alice", createdAt: T0.AddMinutes(-3));
        var middle = NewRecord("alice", createdAt: T0.AddMinutes(-2));
        var newest = NewRecord("alice", createdAt: T0.AddMinutes(-1));
        var bobs = NewRecord("bob", createdAt: T0.AddMinutes(-5));
        await SeedAsync(T0, expired, newest, oldest, bobs, middle);

        var created = NewRecord("alice", createdAt: T0);
        var evicted = await Store.CreateAsync(created, 2, T0, None);

        Assert.Equal([oldest.Session.Id, middle.Session.Id], evicted);
        Assert.Equal([newest.Session.Id, created.Session.Id], Ids(await Store.QueryAsync(Query("alice"), None)));
        Assert.Null(await Store.GetAsync(_kind, oldest.Session.Id, T0.AddMinutes(-5), None));
        Assert.NotNull(await Store.GetAsync(_kind, bobs.Session.Id, T0, None));
        Assert.Empty(await Store.CreateAsync(NewRecord("bob", createdAt: T0), 2, T0, None));
        Assert.Equal(2, await Store.CountAsync(Query("bob"), None));
    }

    [Fact]
    public async Task Create_under_a_cap_keeps_the_new_session_and_breaks_ties_by_ordinal_id()
    {
        var records = Enumerable.Range(0, 4).Select(_ => NewRecord("alice", createdAt: T0)).ToArray();
        await SeedAsync(T0, records[..3]);
        var expected = records[..3].Select(r => r.Session.Id).Order(StringComparer.Ordinal).Take(2).ToArray();

        var evicted = await Store.CreateAsync(records[3], 2, T0, None);

        Assert.Equal(expected, evicted);
        Assert.NotNull(await Store.GetAsync(_kind, records[3].Session.Id, T0, None));
        Assert.Equal(2, await Store.CountAsync(Query("alice"), None));
        var once = await Store.CreateAsync(NewRecord("alice", createdAt: T0.AddSeconds(1)), 1, T0, None);
        Assert.Equal(2, once.Count);
        Assert.Equal(1, await Store.CountAsync(Query("alice"), None));
    }

    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("alice")]
    public async Task Pages_cover_every_session_exactly_once_while_sessions_are_created_and_revoked_between_pages(string? userId)
    {
        // 24 sessions, created in pairs that share a millisecond (ties order by id), of alice and of two others.
        string[] users = ["alice", "bob", "carol"];
        var seeded = Enumerable.Range(0, 24)
            .Select(i => NewRecord(userId ?? users[i % 3], createdAt: T0.AddSeconds(-100 + (i / 2))))
            .ToList();
        await SeedAsync(T0, [.. seeded]);
        var query = Query(userId) with { Limit = 5 };
        var listed = new List<SessionRecord>();
        var deletedEarly = new HashSet<string>(StringComparer.Ordinal);
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await Store.QueryAsync(query with { Cursor = cursor }, None);
            Assert.InRange(page.Items.Count, 0, 5);
            listed.AddRange(page.Items);
            cursor = page.Next;
            pages++;
            if (pages == 1)
            {
                // Between pages: a session older than the cursor and one newer are created; one listed session and one
                // not yet listed are revoked.
                await SeedAsync(T0, NewRecord(userId ?? "dave", createdAt: T0.AddSeconds(-200)), NewRecord(userId ?? "dave", createdAt: T0.AddSeconds(-1)));
                var notYet = seeded.First(r => !listed.Any(l => l.Session.Id == r.Session.Id));
                Assert.True(await Store.DeleteAsync(Kind, notYet.Session.Id, None));
                Assert.True(await Store.DeleteAsync(Kind, listed[0].Session.Id, None));
                deletedEarly.Add(notYet.Session.Id);
            }
        }
        while (cursor is not null && pages < 50);

        Assert.Null(cursor);
        var ids = Ids(listed);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(ids, deletedEarly.Contains);
        // Every session that lived through the walk is listed once; the newer one created meanwhile too (it is after the cursor).
        Assert.Superset(seeded.Select(r => r.Session.Id).Except(deletedEarly).ToHashSet(), ids.ToHashSet());
        Assert.Equal(seeded.Count - 1 + 1, ids.Count);
        Assert.Equal(listed.Select(r => r.Session.CreatedAt).Order(), listed.Select(r => r.Session.CreatedAt));
        Assert.All(listed, r => Assert.Equal(userId ?? r.Session.UserId, r.Session.UserId));
    }

    [Fact]
    public async Task Pages_hold_at_most_the_limit_and_the_last_one_says_so()
    {
        var records = Enumerable.Range(0, 5).Select(i => NewRecord(i % 2 == 0 ? "alice" : "bob", createdAt: T0.AddSeconds(i - 10))).ToArray();
        await SeedAsync(T0, records);

        foreach (var userId in new[] { null, "alice" })
        {
            var expected = records.Where(r => userId is null || r.Session.UserId == userId).Select(r => r.Session.Id).ToList();
            var whole = await Store.QueryAsync(Query(userId) with { Limit = expected.Count }, None);
            Assert.Equal(expected, Ids(whole.Items));
            Assert.Null(whole.Next);

            var first = await Store.QueryAsync(Query(userId) with { Limit = 2 }, None);
            Assert.Equal(expected.Take(2), Ids(first.Items));
            Assert.NotNull(first.Next);
            var rest = await Store.QueryAsync(Query(userId) with { Limit = SessionQuery.MaxLimit, Cursor = first.Next }, None);
            Assert.Equal(expected.Skip(2), Ids(rest.Items));
            Assert.Null(rest.Next);
        }

        // Filters still decide: a kind-wide page of one user's, of expired or of excepted sessions.
        var onlyAlice = await Store.QueryAsync(Query(null) with { Limit = 10, Metadata = null, ExceptSessionId = records[0].Session.Id }, None);
        Assert.Equal(records.Skip(1).Select(r => r.Session.Id), Ids(onlyAlice.Items));
        Assert.Empty((await Store.QueryAsync(Query(null) with { Status = SessionStatus.Expired }, None)).Items);

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () => await Store.QueryAsync(Query(null) with { Limit = 0 }, None));
        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () => await Store.QueryAsync(Query("alice") with { Limit = SessionQuery.MaxLimit + 1 }, None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("alice")]
    public async Task A_forged_or_foreign_cursor_is_refused(string? userId)
    {
        var records = Enumerable.Range(0, 3).Select(i => NewRecord("alice", createdAt: T0.AddSeconds(i - 10))).ToArray();
        await SeedAsync(T0, records);
        var query = Query(userId) with { Limit = 1 };
        var cursor = (await Store.QueryAsync(query, None)).Next;
        Assert.NotNull(cursor);

        // The same listing may change its limit and its instant.
        Assert.Equal(records[1].Session.Id, Ids((await Store.QueryAsync(query with { Cursor = cursor, Limit = 1, Now = T0.AddSeconds(1) }, None)).Items).Single());

        var flipped = (cursor[10] == 'A' ? "B" : "A") is var c ? cursor[..10] + c + cursor[11..] : cursor;
        var position = SessionPosition.Of(records[0].Session);
        string[] refused =
        [
            flipped,
            "not-a-cursor",
            cursor + "A",
            SessionCursor.Issue(Store.Name + "Other", query, position),
            SessionCursor.Issue(Store.Name, query with { Kind = Kind + "x" }, position),
            SessionCursor.Issue(Store.Name, query with { UserId = userId is null ? "alice" : null }, position),
            SessionCursor.Issue(Store.Name, query with { Status = SessionStatus.All }, position),
            SessionCursor.Issue(Store.Name, query with { Metadata = new Dictionary<string, string> { ["device"] = "phone" } }, position),
            SessionCursor.Issue(Store.Name, query with { ExceptSessionId = records[2].Session.Id }, position),
        ];
        foreach (var bad in refused)
        {
            var error = await Assert.ThrowsAsync<SessionCursorException>(async () => await Store.QueryAsync(query with { Cursor = bad }, None));
            Assert.Equal("cursor", error.ParamName);
        }
    }

    [Fact]
    public async Task Ping_answers()
    {
        await Store.PingAsync(None);
    }

    // Sign-in state (issue #14, step-up): the authentication time and the authentication properties items.

    [Fact]
    public async Task Authentication_time_and_items_round_trip_through_get_find_and_query()
    {
        var record = WithSignInState(NewRecord("alice"), T0.AddMinutes(-5), LargeItems());
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddMinutes(1);

        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, later, None));
        var found = await Store.FindAndSlideAsync(Lookup(record, later, slideTo: later.AddMinutes(30)), None);
        Assert.NotNull(found);
        Assert.Equal(record.Session.AuthenticatedAt, found.Session.AuthenticatedAt);
        AssertSameItems(record.Session.AuthenticationItems, found.Session.AuthenticationItems);
        var listed = Assert.Single((await Store.QueryAsync(Query("alice", later), None)).Items);
        AssertSameRecord(found, listed);
    }

    [Fact]
    public async Task Update_of_the_authentication_time_or_items_changes_only_that_field()
    {
        var record = WithSignInState(NewRecord("alice"), T0, new Dictionary<string, string> { [".persistent"] = "" });
        await Store.CreateAsync(record, 0, T0, None);
        var later = T0.AddMinutes(10);

        var reauthenticated = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { AuthenticatedAt = later }, later, None);
        var expected = record with { Session = record.Session with { AuthenticatedAt = later } };
        AssertSameRecord(expected, reauthenticated);
        AssertSameRecord(expected, await Store.GetAsync(_kind, record.Session.Id, later, None));

        var items = new Dictionary<string, string> { [".Token.access_token"] = "at-2", ["app"] = "ü \"x\"" };
        var replaced = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { AuthenticationItems = items }, later, None);
        expected = expected with { Session = expected.Session with { AuthenticationItems = items } };
        AssertSameRecord(expected, replaced);
        AssertSameRecord(expected, await Store.GetAsync(_kind, record.Session.Id, later, None));

        var emptied = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { AuthenticationItems = new Dictionary<string, string>() }, later, None);
        Assert.NotNull(emptied);
        Assert.Empty(emptied.Session.AuthenticationItems);
        Assert.Empty((await Store.GetAsync(_kind, record.Session.Id, later, None))!.Session.AuthenticationItems);
    }

    [Fact]
    public async Task Rotation_and_slides_keep_the_authentication_time_and_items()
    {
        var record = WithSignInState(NewRecord("alice"), T0.AddSeconds(-30), LargeItems());
        await Store.CreateAsync(record, 0, T0, None);
        var digest = RandomNumberGenerator.GetBytes(32);
        var later = T0.AddMinutes(5);

        var rotated = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { Digest = digest }, later, None);
        var slid = await Store.FindAndSlideAsync(Lookup(record, later.AddMinutes(5), digest: digest, slideTo: later.AddMinutes(35)), None);

        Assert.NotNull(rotated);
        Assert.NotNull(slid);
        foreach (var session in new[] { rotated.Session, slid.Session, (await Store.GetAsync(_kind, record.Session.Id, later, None))!.Session })
        {
            Assert.Equal(record.Session.AuthenticatedAt, session.AuthenticatedAt);
            AssertSameItems(record.Session.AuthenticationItems, session.AuthenticationItems);
        }
    }

    /// <summary>The record with an authentication time and authentication properties items.</summary>
    protected static SessionRecord WithSignInState(SessionRecord record, DateTimeOffset authenticatedAt, IReadOnlyDictionary<string, string> items) =>
        record with { Session = record.Session with { AuthenticatedAt = authenticatedAt, AuthenticationItems = items } };

    /// <summary>Items as a sign-in with saved tokens makes them: large tokens, the persistence flag, an app item.</summary>
    protected static Dictionary<string, string> LargeItems() => new()
    {
        [".persistent"] = "",
        [".Token.access_token"] = new string('a', 8000),
        [".Token.refresh_token"] = "rt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        [".TokenNames"] = "access_token;refresh_token",
        ["tenant"] = "Zürich \"HQ\" ✓",
    };

    private static void AssertSameItems(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual) =>
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));

    [Fact]
    public async Task A_device_key_and_challenge_round_trip_through_get_find_query_and_rotation()
    {
        var challenged = NewRecord("alice");
        challenged = challenged with { Session = challenged.Session with { DeviceChallenge = NewChallenge() } };
        var bound = NewRecord("alice", createdAt: T0.AddSeconds(1));
        bound = bound with { Session = bound.Session with { DeviceKey = NewDeviceKey(T0.AddMilliseconds(1234)), DeviceChallenge = NewChallenge() } };
        await SeedAsync(T0, challenged, bound);

        AssertSameRecord(challenged, await Store.GetAsync(_kind, challenged.Session.Id, T0, None));
        AssertSameRecord(bound, await Store.GetAsync(_kind, bound.Session.Id, T0, None));
        Assert.Equal(SessionBinding.None, challenged.Session.Binding);
        Assert.Equal(SessionBinding.DeviceBound, (await Store.GetAsync(_kind, bound.Session.Id, T0, None))!.Session.Binding);
        var listed = (await Store.QueryAsync(Query("alice"), None)).Items;
        AssertSameRecord(challenged, listed[0]);
        AssertSameRecord(bound, listed[1]);

        var slid = await Store.FindAndSlideAsync(Lookup(bound, T0.AddMinutes(1), slideTo: T0.AddMinutes(31)), None);
        Assert.Equal(bound.Session.DeviceKey, slid!.Session.DeviceKey);
        Assert.Equal(bound.Session.DeviceChallenge, slid.Session.DeviceChallenge);
        var rotated = await Store.UpdateAsync(_kind, bound.Session.Id, new SessionPatch { Digest = RandomNumberGenerator.GetBytes(32) }, T0.AddMinutes(2), None);
        Assert.Equal(bound.Session.DeviceKey, rotated!.Session.DeviceKey);
        Assert.Equal(bound.Session.DeviceKey, (await Store.GetAsync(_kind, bound.Session.Id, T0.AddMinutes(2), None))!.Session.DeviceKey);
    }

    [Fact]
    public async Task Binding_a_device_key_consumes_the_expected_challenge_in_the_same_update()
    {
        var record = NewRecord("alice");
        var challenge = NewChallenge();
        record = record with { Session = record.Session with { DeviceChallenge = challenge } };
        await SeedAsync(T0, record);
        var key = NewDeviceKey(T0.AddMinutes(1));
        var next = NewChallenge();

        var bound = await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { IfDeviceChallenge = challenge, DeviceKey = key, DeviceChallenge = next }, T0.AddMinutes(1), None);

        Assert.NotNull(bound);
        Assert.Equal(key, bound.Session.DeviceKey);
        Assert.Equal(next, bound.Session.DeviceChallenge);
        AssertSameRecord(bound, await Store.GetAsync(_kind, record.Session.Id, T0.AddMinutes(1), None));
    }

    [Fact]
    public async Task An_update_expecting_another_challenge_changes_nothing_and_returns_null()
    {
        var record = NewRecord("alice");
        var challenge = NewChallenge();
        record = record with { Session = record.Session with { DeviceChallenge = challenge } };
        await SeedAsync(T0, record);
        var change = new SessionPatch { DeviceKey = NewDeviceKey(T0), DeviceChallenge = NewChallenge(), Digest = RandomNumberGenerator.GetBytes(32), Data = new Dictionary<string, string> { ["k"] = "changed" } };

        Assert.Null(await Store.UpdateAsync(_kind, record.Session.Id, change with { IfDeviceChallenge = NewChallenge() }, T0, None));
        Assert.Null(await Store.UpdateAsync(_kind, record.Session.Id, change with { IfDeviceChallenge = "" }, T0, None));
        Assert.Null(await Store.UpdateAsync(_kind, record.Session.Id, change with { IfDeviceChallenge = challenge + "x" }, T0, None));
        AssertSameRecord(record, await Store.GetAsync(_kind, record.Session.Id, T0, None));

        // Consumed once (cleared): the same expectation never applies again, and "" then expects exactly that.
        Assert.NotNull(await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { IfDeviceChallenge = challenge, DeviceChallenge = "" }, T0, None));
        Assert.Null(await Store.UpdateAsync(_kind, record.Session.Id, change with { IfDeviceChallenge = challenge }, T0, None));
        Assert.Null((await Store.GetAsync(_kind, record.Session.Id, T0, None))!.Session.DeviceChallenge);
        Assert.NotNull(await Store.UpdateAsync(_kind, record.Session.Id, new SessionPatch { IfDeviceChallenge = "", DeviceChallenge = challenge }, T0, None));
        Assert.Equal(challenge, (await Store.GetAsync(_kind, record.Session.Id, T0, None))!.Session.DeviceChallenge);
    }

    /// <summary>Creates each record, uncapped, in order.</summary>
    protected async Task SeedAsync(DateTimeOffset now, params SessionRecord[] records)
    {
        foreach (var record in records)
        {
            await Store.CreateAsync(record, 0, now, None);
        }
    }

    /// <summary>A fresh kind for this test.</summary>
    protected string Kind => _kind;

    /// <summary>A session with the default lifetimes: 30 minutes idle, no absolute expiry.</summary>
    protected SessionRecord NewRecord(string userId, DateTimeOffset? createdAt) =>
        NewRecord(userId, TimeSpan.FromMinutes(30), absolute: null, createdAt);

    /// <summary>A session created at <see cref="T0"/> with the default lifetimes.</summary>
    protected SessionRecord NewRecord(string userId) => NewRecord(userId, createdAt: null);

    /// <summary>A session with the given lifetimes; <see langword="null"/> switches one off.</summary>
    protected SessionRecord NewRecord(string userId, TimeSpan? idle, TimeSpan? absolute, DateTimeOffset? createdAt)
    {
        var created = createdAt ?? T0;
        DateTimeOffset? absoluteExpiresAt = absolute is { } a ? created + a : null;
        var expiresAt = idle is { } i ? created + i : absoluteExpiresAt ?? DateTimeOffset.MaxValue;
        if (absoluteExpiresAt is { } cap && cap < expiresAt)
        {
            expiresAt = cap;
        }

        return new SessionRecord(
            new Session
            {
                Id = NewId(userId),
                Kind = _kind,
                UserId = userId,
                CreatedAt = created,
                LastSeenAt = created,
                ExpiresAt = expiresAt,
                AbsoluteExpiresAt = absoluteExpiresAt,
                Data = new Dictionary<string, string> { ["k"] = "v" },
                AuthenticatedAt = created,
            },
            RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>A new session id for <paramref name="userId"/>.</summary>
    protected static string NewId(string userId) => SessionIds.New(userId);

    protected SessionQuery Query(string? userId, DateTimeOffset? now = null) => new() { Kind = _kind, UserId = userId, Now = now ?? T0 };

    private static SessionLookup Lookup(SessionRecord record, DateTimeOffset now, byte[]? digest = null, DateTimeOffset? slideTo = null, TimeSpan? touch = null) =>
        new(record.Session.Kind, record.Session.Id, digest ?? record.Digest, now, slideTo, touch ?? TimeSpan.Zero);

    private static SessionRecord WithMetadata(SessionRecord record, params (string Key, string Value)[] fields) =>
        record with { Session = record.Session with { Metadata = fields.ToDictionary(f => f.Key, f => f.Value) } };

    private static List<string> Ids(IReadOnlyList<SessionRecord> records) => [.. records.Select(r => r.Session.Id)];

    private static List<string> Ids(SessionPage<SessionRecord> page) => Ids(page.Items);

    protected static void AssertSameRecord(SessionRecord expected, SessionRecord? actual)
    {
        Assert.NotNull(actual);
        var (e, a) = (expected.Session, actual.Session);
        Assert.Equal(e.Id, a.Id);
        Assert.Equal(e.Kind, a.Kind);
        Assert.Equal(e.UserId, a.UserId);
        Assert.Equal(e.CreatedAt, a.CreatedAt);
        Assert.Equal(e.LastSeenAt, a.LastSeenAt);
        Assert.Equal(e.ExpiresAt, a.ExpiresAt);
        Assert.Equal(e.AbsoluteExpiresAt, a.AbsoluteExpiresAt);
        Assert.Equal(e.Claims, a.Claims);
        Assert.Equal(e.Data.OrderBy(p => p.Key, StringComparer.Ordinal), a.Data.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(e.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), a.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(e.AuthenticatedAt, a.AuthenticatedAt);
        AssertSameItems(e.AuthenticationItems, a.AuthenticationItems);
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.PreviousDigest?.Digest, actual.PreviousDigest?.Digest);
        Assert.Equal(expected.PreviousDigest?.AcceptedUntil, actual.PreviousDigest?.AcceptedUntil);
        Assert.Equal(e.Name, a.Name);
        Assert.Equal(e.Scopes, a.Scopes);
        Assert.Equal(e.DeviceKey, a.DeviceKey);
        Assert.Equal(e.DeviceChallenge, a.DeviceChallenge);
        Assert.Equal(e.Binding, a.Binding);
    }

    /// <summary>A device key as a DBSC registration stores it (an RSA-sized canonical JWK, so the longest form round-trips).</summary>
    protected static SessionDeviceKey NewDeviceKey(DateTimeOffset boundAt) => new()
    {
        Jwk = "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(512)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"}",
        Algorithm = "RS256",
        Thumbprint = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        BoundAt = boundAt,
        CredentialExpiresAt = boundAt.AddMinutes(10),
    };

    /// <summary>A challenge of the shape the manager issues (random, then its expiry).</summary>
    protected static string NewChallenge() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".1767258000";
}
