using System.Globalization;
using AspNetSessions.Redis.Tests.Infrastructure;
using AspNetSessions.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Redis.Tests.Store;

/// <summary>What only the Redis backend does: key layout, TTLs, the user index, and nothing secret at rest.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSessionStoreTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly RedisStoreUnderTest _store = new(redis.Server);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    private RedisServer Server => redis.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_session_and_its_users_index_share_one_hash_tag_and_carry_ttls()
    {
        var manager = Manager(o => (o.IdleTimeout, o.AbsoluteTimeout) = (TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)));
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var group = SessionIds.UserGroupOfUser("alice");
        var sessionKey = $"{_store.KeyPrefix}Session:{{{group}}}:s:{created.Session.Id}";
        var indexKey = $"{_store.KeyPrefix}Session:{{{group}}}:u:alice";
        Assert.Equal("hash", await Server.ExecuteAsync("TYPE", sessionKey));
        Assert.Equal("zset", await Server.ExecuteAsync("TYPE", indexKey));
        Assert.InRange(long.Parse((await Server.ExecuteAsync("PTTL", sessionKey))!, CultureInfo.InvariantCulture), 29 * 60_000, 30 * 60_000);
        Assert.InRange(long.Parse((await Server.ExecuteAsync("PTTL", indexKey))!, CultureInfo.InvariantCulture), 29 * 60_000, 30 * 60_000);
        Assert.Equal(
            created.Session.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            await Server.ExecuteAsync("ZSCORE", indexKey, created.Session.Id));
    }

    [Fact]
    public async Task Sliding_moves_the_ttl_and_the_index_score_and_the_absolute_cap_holds()
    {
        var manager = Manager(o => (o.IdleTimeout, o.AbsoluteTimeout, o.SlidingGranularity) = (TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(40), TimeSpan.Zero));
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var start = _time.GetUtcNow();
        var sessionKey = $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{created.Session.Id}";

        _time.Advance(TimeSpan.FromMinutes(20));
        var slid = await manager.AuthenticateAsync(created.Token);

        Assert.Equal(start.AddMinutes(40), slid!.ExpiresAt); // min(now + 30, created + 40)
        Assert.Equal(
            slid.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            await Server.ExecuteAsync("ZSCORE", $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:u:alice", created.Session.Id));
        // The TTL is relative to the app's clock: 20 minutes left of the absolute 40.
        Assert.InRange(long.Parse((await Server.ExecuteAsync("PTTL", sessionKey))!, CultureInfo.InvariantCulture), 19 * 60_000, 20 * 60_000);
        // Stored as milliseconds after the creation (small integers in the listpack); read back as instants above.
        Assert.Equal(created.Session.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), await Server.ExecuteAsync("HGET", sessionKey, "c"));
        Assert.Equal("1200000", await Server.ExecuteAsync("HGET", sessionKey, "l"));
        Assert.Equal("2400000", await Server.ExecuteAsync("HGET", sessionKey, "e"));
        Assert.Equal("2400000", await Server.ExecuteAsync("HGET", sessionKey, "a"));
    }

    [Fact]
    public async Task Revoking_more_sessions_than_one_batch_revokes_them_all_and_keeps_the_one_excepted()
    {
        // More than two batches of one user's sessions: every script stays small, and the loop still reaches them all.
        var now = _time.GetUtcNow();
        var records = Enumerable.Range(0, (2 * RedisSessionStore.DeleteBatch) + 500).Select(_ => MinimalRecord("alice", now)).ToArray();
        foreach (var batch in records.Chunk(500))
        {
            await Task.WhenAll(batch.Select(r => _store.Store.CreateAsync(r, 0, now, default).AsTask()));
        }

        var kept = records[^1].Session.Id;
        var revoked = await _store.Store.DeleteManyAsync(
            new SessionQuery { Kind = "Session", UserId = "alice", ExceptSessionId = kept, Status = SessionStatus.All, Now = now }, default);

        Assert.Equal(records.Length - 1, revoked);
        Assert.Equal(1, await _store.Store.CountAsync(new SessionQuery { Kind = "Session", UserId = "alice", Status = SessionStatus.All, Now = now }, default));
        Assert.NotNull(await _store.Store.GetAsync("Session", kept, now, default));
    }

    [Fact]
    public async Task Stale_index_entries_are_removed_when_met()
    {
        var manager = Manager();
        var gone = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var kept = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var indexKey = $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:u:alice";
        // As if Redis had expired the hash by its TTL.
        await Server.ExecuteAsync("DEL", $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{gone.Session.Id}");
        Assert.Equal("2", await Server.ExecuteAsync("ZCARD", indexKey));

        var listed = await manager.ListAsync(new SessionFilter { UserId = "alice" });

        Assert.Equal([kept.Session.Id], listed.Select(s => s.Id));
        Assert.Equal("1", await Server.ExecuteAsync("ZCARD", indexKey));
    }

    [Fact]
    public async Task Listing_counting_and_revoking_a_users_sessions_never_scan_the_keyspace()
    {
        var manager = Manager();
        for (var i = 0; i < 50; i++)
        {
            await manager.CreateAsync(new SessionCreateRequest { UserId = "other" + i });
        }

        var mine = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var before = await CommandCallsAsync("scan");

        Assert.Equal(2, (await manager.ListAsync(new SessionFilter { UserId = "alice" })).Count);
        Assert.Equal(2, await manager.CountAsync(new SessionFilter { UserId = "alice" }));
        Assert.Equal(1, await manager.CountAsync(new SessionFilter { UserId = "alice", ExceptSessionId = mine.Session.Id }));
        Assert.Equal(1, await manager.RevokeAllAsync("alice", mine.Session.Id));

        Assert.Equal(before, await CommandCallsAsync("scan"));
    }

    [Fact]
    public async Task The_kind_listing_index_pages_without_scanning_and_drops_what_is_gone_after_its_grace()
    {
        var manager = Manager();
        var a = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var b = await manager.CreateAsync(new SessionCreateRequest { UserId = "bob" });
        var c = await manager.CreateAsync(new SessionCreateRequest { UserId = "carol" });
        Assert.Equal("zset", await Server.ExecuteAsync("TYPE", RedisListing.Key(_store.KeyPrefix)));
        Assert.True(await Listed(a.Session.Id));

        // A revocation takes its id out (after the fact, not awaited).
        Assert.True(await manager.RevokeAsync(c.Session.Id));
        await _store.Store.SettledAsync();
        Assert.False(await Listed(c.Session.Id));

        // As if Redis had expired a's hash by its TTL, and a create were between its two steps (id listed, no hash yet).
        await Server.ExecuteAsync("DEL", $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{a.Session.Id}");
        var inFlight = SessionIds.New("dave");
        _time.Advance(TimeSpan.FromMinutes(2));
        await _store.Store.ListAsync("Session", new SessionPosition(_time.GetUtcNow(), inFlight), default);
        var scans = await CommandCallsAsync("scan");

        var page = await manager.ListPageAsync(filter: null, limit: 10);

        Assert.Equal([b.Session.Id], page.Items.Select(s => s.Id));
        Assert.Null(page.Next);
        Assert.Equal(scans, await CommandCallsAsync("scan"));
        // a's id is older than the grace: dropped; the create in flight is not.
        await _store.Store.SettledAsync();
        Assert.False(await Listed(a.Session.Id));
        Assert.True(await Listed(inFlight));
    }

    [Fact]
    public async Task Creates_sweep_the_kind_listing_index_of_sessions_gone_by_ttl_without_anyone_paging()
    {
        var manager = Manager();
        var gone = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "gone" + i.ToString(CultureInfo.InvariantCulture) });
            gone.Add(created.Session.Id);
            // As if Redis had expired the hash by its TTL: nothing tells the listing index.
            await Server.ExecuteAsync("DEL", _store.Store.SessionKey("Session", created.Session.Id));
        }

        await _store.Store.Sweep;
        _time.Advance(TimeSpan.FromMinutes(2));
        var inFlight = SessionIds.New("dave"); // a create between its two steps: listed, no hash yet
        await _store.Store.ListAsync("Session", new SessionPosition(_time.GetUtcNow(), inFlight), default);
        var live = new List<string>();
        async Task<int> ListedAsync(IEnumerable<string> ids)
        {
            var n = 0;
            foreach (var id in ids)
            {
                n += await Listed(id) ? 1 : 0;
            }

            return n;
        }

        // Each create sweeps the next 4 listed ids (after it returns, not awaited): 7 ids at first, one more per create.
        while (await ListedAsync(gone) > 0 && live.Count < 6)
        {
            live.Add((await manager.CreateAsync(new SessionCreateRequest { UserId = "live" + live.Count.ToString(CultureInfo.InvariantCulture) })).Session.Id);
            await _store.Store.Sweep;
        }

        Assert.Equal(0, await ListedAsync(gone));
        Assert.Equal(live.Count, await ListedAsync(live)); // a live session is never dropped
        Assert.True(await Listed(inFlight)); // nor a create in flight (its grace)
    }

    [Fact]
    public async Task Pages_through_sessions_created_in_one_millisecond_in_id_order_from_listpack_buckets()
    {
        var manager = Manager(o => o.MaxSessionsPerUser = 0);
        var created = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            created.Add((await manager.CreateAsync(new SessionCreateRequest { UserId = "user" + (i % 7) })).Session.Id); // one instant: 300 ties
        }

        var listed = await ListEveryPageAsync(manager, limit: 40);

        // Every session once, in id order (the ties' order), though the millisecond's ties span several buckets: each page
        // starts in the bucket of the previous page's last id, found by its (created-at, id) bound.
        Assert.Equal(created.Order(StringComparer.Ordinal), listed);
        var (ids, buckets, listpacks) = await RedisListing.ShapeAsync(Server, _store.KeyPrefix);
        Assert.Equal(300, ids);
        Assert.InRange(buckets, 3, 5);
        Assert.Equal(buckets, listpacks);
    }

    [Fact]
    public async Task The_listing_index_splits_into_listpack_buckets_and_merges_them_as_sessions_go()
    {
        var manager = Manager(o => o.MaxSessionsPerUser = 0);
        var sessions = new List<(string Id, string User)>();
        for (var i = 0; i < 1_000; i++)
        {
            var user = "user" + (i % 10).ToString(CultureInfo.InvariantCulture);
            sessions.Add(((await manager.CreateAsync(new SessionCreateRequest { UserId = user })).Session.Id, user));
            _time.Advance(TimeSpan.FromMilliseconds(i % 3)); // runs of ties and steps, as sign-ins come
        }

        var (ids, buckets, listpacks) = await RedisListing.ShapeAsync(Server, _store.KeyPrefix);
        Assert.Equal(1_000, ids);
        Assert.InRange(buckets, 1_000 / 120 + 1, 1_000 / 60 + 1); // each between half full and full
        Assert.Equal(buckets, listpacks);

        // Revocations one by one (half of user0..4's sessions) and revoke-alls (user5..9) leave 250 sessions.
        var kept = new List<string>();
        for (var i = 0; i < sessions.Count; i++)
        {
            var id = sessions[i].Id;
            if (i % 10 >= 5)
            {
                continue;
            }

            if (i / 10 % 2 == 0)
            {
                Assert.True(await manager.RevokeAsync(id));
            }
            else
            {
                kept.Add(id);
            }
        }

        for (var u = 5; u < 10; u++)
        {
            Assert.Equal(100, await manager.RevokeAllAsync("user" + u.ToString(CultureInfo.InvariantCulture)));
        }

        await _store.Store.SettledAsync();
        (ids, var fewer, listpacks) = await RedisListing.ShapeAsync(Server, _store.KeyPrefix);
        Assert.Equal(kept.Count, ids);
        Assert.True(fewer < buckets, $"{fewer} buckets for {ids} ids, {buckets} before");
        Assert.Equal(fewer, listpacks);
        Assert.Equal(kept.Order(StringComparer.Ordinal), (await ListEveryPageAsync(manager, limit: 33)).Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> ListEveryPageAsync(SessionManager manager, int limit)
    {
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await manager.ListPageAsync(filter: null, limit: limit, cursor: cursor);
            listed.AddRange(page.Items.Select(s => s.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        return listed;
    }

    /// <summary>A session of <paramref name="userId"/> created at <paramref name="now"/> with nothing but its identity and a 30-minute expiry.</summary>
    private static SessionRecord MinimalRecord(string userId, DateTimeOffset now) => new(new Session
    {
        Id = SessionIds.New(userId),
        Kind = "Session",
        UserId = userId,
        CreatedAt = now,
        LastSeenAt = now,
        ExpiresAt = now.AddMinutes(30),
    }, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private Task<bool> Listed(string id) => RedisListing.ContainsAsync(Server, _store.KeyPrefix, id);

    [Fact]
    public async Task No_token_or_secret_is_ever_written_to_redis()
    {
        var manager = Manager();
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await manager.CreateAsync(new SessionCreateRequest
            {
                UserId = "alice",
                Claims = [new SessionClaim("role", "admin")],
                Metadata = new Dictionary<string, string> { ["device"] = "phone" + i },
            });
            tokens.Add(created.Token);
            await manager.AuthenticateAsync(created.Token);
            tokens.Add((await manager.RotateAsync(created.Session.Id))!.Token);
        }

        var dump = await DumpAsync(_store.KeyPrefix);

        Assert.NotEmpty(dump);
        foreach (var token in tokens)
        {
            var secretChars = token[(token.IndexOf('_', StringComparison.Ordinal) + 23)..^6];
            Assert.DoesNotContain(dump, v => v.Contains(token, StringComparison.Ordinal) || v.Contains(secretChars, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_signed_in_session_with_role_claims_and_request_metadata_stays_a_listpack_on_a_default_server()
    {
        // What sign-in stores: role claims (a 57-byte type URI each), a browser's user agent (over 100 bytes), the IP.
        // One value over hash-max-listpack-value (64 by default) would make the hash a hashtable, three times the size.
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest
        {
            UserId = "alice",
            Claims = [new SessionClaim(System.Security.Claims.ClaimTypes.Role, "admin"), new SessionClaim(System.Security.Claims.ClaimTypes.Role, "support")],
            Metadata = new Dictionary<string, string>
            {
                [SessionMetadataKeys.UserAgent] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                [SessionMetadataKeys.IpAddress] = "2001:db8:85a3::8a2e:370:7334",
            },
        });
        var group = SessionIds.UserGroupOfUser("alice");

        Assert.Equal("listpack", await Server.ExecuteAsync("OBJECT", "ENCODING", $"{_store.KeyPrefix}Session:{{{group}}}:s:{created.Session.Id}"));
        Assert.Equal("listpack", await Server.ExecuteAsync("OBJECT", "ENCODING", $"{_store.KeyPrefix}Session:{{{group}}}:u:alice"));
        var found = await manager.AuthenticateAsync(created.Token);
        Assert.Equal(created.Session.Claims, found!.Claims);
        Assert.Equal(created.Session.Metadata.OrderBy(m => m.Key), found.Metadata.OrderBy(m => m.Key));
    }

    [Fact]
    public async Task A_grace_rotations_previous_digest_is_one_field_within_a_chunk_and_the_hash_stays_a_listpack()
    {
        var now = _time.GetUtcNow();
        var created = await Manager().CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var key = $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser("alice")}}}:s:{created.Session.Id}";
        Assert.Equal("0", await Server.ExecuteAsync("HEXISTS", key, "pd")); // empty: left out
        var fields = await Server.ExecuteAsync("HLEN", key);

        var patch = new SessionPatch { Digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), PreviousDigestAcceptedUntil = now.AddSeconds(30) };
        await _store.Store.UpdateAsync("Session", created.Session.Id, patch, now, default);

        // Unix milliseconds (13 digits), a space, 32 digest bytes.
        Assert.Equal("46", await Server.ExecuteAsync("HSTRLEN", key, "pd"));
        Assert.Equal(long.Parse(fields!, CultureInfo.InvariantCulture) + 1, long.Parse((await Server.ExecuteAsync("HLEN", key))!, CultureInfo.InvariantCulture));
        Assert.Equal("listpack", await Server.ExecuteAsync("OBJECT", "ENCODING", key));
        await _store.Store.UpdateAsync("Session", created.Session.Id, patch with { PreviousDigestAcceptedUntil = null }, now, default);
        Assert.Equal("0", await Server.ExecuteAsync("HEXISTS", key, "pd")); // emptied: removed
        Assert.Equal(fields, await Server.ExecuteAsync("HLEN", key));
    }

    [Fact]
    public async Task Empty_fields_are_left_out_of_the_hash_and_read_back_empty()
    {
        var now = _time.GetUtcNow();
        var record = MinimalRecord("alice", now);
        record = record with { Session = record.Session with { AuthenticatedAt = now } };
        var key = _store.Store.SessionKey("Session", record.Session.Id);
        await _store.Store.CreateAsync(record, 0, now, default);

        // Only the required fields: no claims, data, metadata, name, authentication time (the creation's), challenge or previous digest.
        Assert.Equal(RedisSessionFields.Required.Count.ToString(CultureInfo.InvariantCulture), await Server.ExecuteAsync("HLEN", key));
        var read = (await _store.Store.GetAsync("Session", record.Session.Id, now, default))!.Session;
        Assert.Equal((record.Session.UserId, record.Session.CreatedAt, record.Session.ExpiresAt, record.Session.AuthenticatedAt), (read.UserId, read.CreatedAt, read.ExpiresAt, read.AuthenticatedAt));
        Assert.Null(read.AbsoluteExpiresAt);
        Assert.Empty(read.Claims);
        Assert.Empty(read.Metadata);

        // A required field missing is still damage: refused, not read as empty.
        await Server.ExecuteAsync("HDEL", key, RedisSessionFields.Name(RedisSessionField.UserId));
        Assert.Null(await _store.Store.GetAsync("Session", record.Session.Id, now, default));
    }

    [Fact]
    public async Task Values_longer_than_a_chunk_round_trip_and_a_shorter_value_drops_the_chunks_it_no_longer_needs()
    {
        var now = _time.GetUtcNow();
        // A user id of 105 UTF-8 bytes: two chunks, the border inside a 'ü' (the index key is built from the joined value).
        var user = "user-" + new string('ü', 50);
        var data = new Dictionary<string, string> { ["note"] = new string('x', 300) };
        var record = MinimalRecord(user, now);
        record = record with { Session = record.Session with { Data = data } };
        var key = $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser(user)}}}:s:{record.Session.Id}";
        var index = $"{_store.KeyPrefix}Session:{{{SessionIds.UserGroupOfUser(user)}}}:u:{user}";
        await _store.Store.CreateAsync(record, 0, now, default);

        Assert.Equal("listpack", await Server.ExecuteAsync("OBJECT", "ENCODING", key));
        Assert.Equal("1", await Server.ExecuteAsync("HEXISTS", key, "u1")); // 105 bytes: two chunks
        Assert.Equal("1", await Server.ExecuteAsync("HEXISTS", key, "da4")); // 315 bytes of JSON: five chunks
        var fields = long.Parse((await Server.ExecuteAsync("HLEN", key))!, CultureInfo.InvariantCulture);
        var read = await _store.Store.GetAsync("Session", record.Session.Id, now, default);
        Assert.Equal(user, read!.Session.UserId);
        Assert.Equal(data, read.Session.Data);
        Assert.Single((await _store.Store.QueryAsync(new SessionQuery { Kind = "Session", UserId = user, Now = now }, default)).Items);

        var updated = await _store.Store.UpdateAsync("Session", record.Session.Id, new SessionPatch { Data = new Dictionary<string, string> { ["note"] = "short" } }, now, default);

        Assert.Equal("short", updated!.Session.Data["note"]);
        Assert.Equal("short", (await _store.Store.GetAsync("Session", record.Session.Id, now, default))!.Session.Data["note"]);
        Assert.Equal(fields - 4, long.Parse((await Server.ExecuteAsync("HLEN", key))!, CultureInfo.InvariantCulture)); // da1..da4 dropped
        Assert.True(await _store.Store.DeleteAsync("Session", record.Session.Id, default));
        Assert.Equal("0", await Server.ExecuteAsync("ZCARD", index));
    }

    [Fact]
    public async Task A_key_prefix_keeps_apps_apart()
    {
        await using var other = new RedisStoreUnderTest(Server);
        var mine = Manager();
        var theirs = new SessionManager("Session", Options(), other.Store, _time, NullLogger<SessionManager>.Instance);
        var created = await mine.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.Null(await theirs.AuthenticateAsync(created.Token));
        Assert.Equal(0, await theirs.CountAsync(new SessionFilter { UserId = "alice" }));
        Assert.NotNull(await mine.AuthenticateAsync(created.Token));
    }

    private SessionManager Manager(Action<SessionAuthenticationOptions>? configure = null) =>
        new("Session", Options(configure), _store.Store, _time, NullLogger<SessionManager>.Instance);

    private static SessionAuthenticationOptions Options(Action<SessionAuthenticationOptions>? configure = null)
    {
        var options = new SessionAuthenticationOptions { Kind = "Session" };
        configure?.Invoke(options);
        return options;
    }

    private async Task<long> CommandCallsAsync(string command)
    {
        var info = await Server.ExecuteAsync("INFO", "commandstats") ?? string.Empty;
        return RedisInfo.Calls(info, command);
    }

    /// <summary>Every key, field and value under a prefix, as text (binary values decoded leniently).</summary>
    private async Task<List<string>> DumpAsync(string prefix)
    {
        var values = new List<string>();
        var keys = (await Server.ExecuteAsync("EVAL", "return table.concat(redis.call('KEYS', ARGV[1]), '\\n')", "0", prefix + "*"))!.Split('\n');
        foreach (var key in keys)
        {
            values.Add(key);
            if (await Server.ExecuteAsync("TYPE", key) == "hash")
            {
                values.Add(RedisHashText.Of(await (await _store.Store.Connection.GetDatabaseAsync(default)).HashGetAllAsync(key)));
            }
            else
            {
                values.Add((await Server.ExecuteAsync("EVAL", "return table.concat(redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), '\\n')", "1", key))!);
            }
        }

        return values;
    }
}

/// <summary>Reads <c>INFO commandstats</c>.</summary>
internal static class RedisInfo
{
    /// <summary>The <c>calls=</c> count of one command (0 if it never ran).</summary>
    public static long Calls(string info, string command)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal))
            {
                var calls = line.Split(',')[0].Split('=')[1];
                return long.Parse(calls, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>The calls of every command but the given ones (e.g. the INFO itself).</summary>
    public static long AllCallsExcept(string info, params string[] excluded)
    {
        long total = 0;
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                var name = line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)];
                if (!excluded.Contains(name))
                {
                    total += long.Parse(line.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
                }
            }
        }

        return total;
    }
}
