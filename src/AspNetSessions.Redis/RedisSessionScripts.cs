namespace AspNetSessions.Redis;

/// <summary>
/// The Lua scripts of the Redis store, run by hash (<c>EVALSHA</c>; the text is sent to a node only after it answers
/// <c>NOSCRIPT</c>: see <see cref="RedisScript"/>). Each runs atomically and touches one hash slot: a session hash
/// <c>{prefix}{kind}:{G}:s:{id}</c> and its user's index <c>{prefix}{kind}:{G}:u:{user}</c> share the hash tag
/// <c>{G}</c>, the user group that starts every session id. Keys a script derives itself (the index from a
/// session's user, sessions from an index's ids) are built from the same tag, so they are in that slot too.
/// </summary>
/// <remarks>
/// Hash fields are named in <see cref="RedisSessionField"/> (the Lua <c>FIELDS</c> table and its index names are
/// generated from it). Instants are Unix milliseconds from the app's clock (ARGV), never Redis's, and TTLs are
/// set relative to that "now", so tests with a fake clock behave like production. The expiry arithmetic mirrors
/// <c>AspNetSessions.Stores.SessionExpiry</c> (<c>Cap</c>, <c>IsWriteDue</c>, <c>Slide</c>, <c>Touch</c>; the
/// manager computes <c>AfterUse</c> and passes it as slideTo) and <c>SessionPatch.ApplyTo</c>, function for
/// function; the shipped <c>SessionStoreContract</c> holds both sides to the same cases.
/// Damaged data: a hash whose instants or digest are missing or do not parse is returned untouched (never
/// slid), so the store refuses and logs it. Writes that could fail on a key of the wrong type (the user index)
/// come first, so a <c>WRONGTYPE</c> error leaves nothing half-written.
/// The digest comparison is a plain string comparison: digests are SHA-256/HMAC outputs an attacker cannot
/// steer, so timing reveals nothing usable.
/// </remarks>
internal static class RedisSessionScripts
{
    /// <summary>Unix milliseconds of <see cref="DateTimeOffset.MaxValue"/>: "never expires".</summary>
    public const long Never = 253402300799999;

    private static readonly string Common = "local NEVER = 253402300799999\n" + RedisSessionFields.LuaDeclarations + RedisInvalidationMessages.LuaDeclarations + "\n" + """
        local function num(n) return string.format('%.0f', n) end
        -- Ordinal string order (Lua's < follows the server's locale).
        local function ordinal(a, b)
          for i = 1, math.min(#a, #b) do
            local x, y = a:byte(i), b:byte(i)
            if x ~= y then return x < y end
          end
          return #a < #b
        end
        -- Mirrors SessionExpiry.Cap: the absolute expiry (nil for none) caps an expiry.
        local function Cap(expiresAt, absoluteExpiresAt)
          if absoluteExpiresAt and absoluteExpiresAt < expiresAt then return absoluteExpiresAt end
          return expiresAt
        end
        -- Mirrors SessionExpiry.IsWriteDue: the throttle of sliding writes.
        local function IsWriteDue(lastSeenAt, now, granularity) return now - lastSeenAt >= granularity end
        -- Mirrors SessionExpiry.Slide: expiry moves to the capped target, never backwards; nil target = no slide.
        local function Slide(expiresAt, slideTo, absoluteExpiresAt)
          if not slideTo then return expiresAt end
          local capped = Cap(slideTo, absoluteExpiresAt)
          if capped > expiresAt then return capped end
          return expiresAt
        end
        local function expire(key, e, now)
          if e >= NEVER then redis.call('PERSIST', key) else redis.call('PEXPIRE', key, num(math.max(1, e - now))) end
        end
        -- Keep an index at least as long as its longest-lived session (a fresh index gets this session's TTL).
        local function index(idx, id, e, now)
          local ttl = redis.call('PTTL', idx)
          redis.call('ZADD', idx, num(e), id)
          if e >= NEVER then redis.call('PERSIST', idx)
          elseif ttl == -2 or (ttl >= 0 and ttl < e - now) then redis.call('PEXPIRE', idx, num(math.max(1, e - now))) end
        end
        -- The fields of a session hash in FIELDS order, each value's chunks (f, f1, f2, …) joined; false when missing, and ''
        -- for an OPTIONAL field left out while empty (when any field is there). Also how many chunks each has (0 for none,
        -- 1 for a whole value), so a rewrite can drop those it no longer needs. One HMGET of every field and its second
        -- chunk (READ); a third and later chunks (values over 2 * CHUNK bytes) one HGET each.
        local function load(key)
          local got, h, chunks, any = redis.call('HMGET', key, unpack(READ)), {}, {}, false
          for i = 1, #FIELDS do
            local v, n = got[i], 1
            if not v then n = 0 else any = true end
            if v and got[#FIELDS + i] then
              local parts = {v, got[#FIELDS + i]}
              n = 2
              local more = redis.call('HGET', key, FIELDS[i] .. n)
              while more do
                parts[#parts + 1] = more
                n = n + 1
                more = redis.call('HGET', key, FIELDS[i] .. n)
              end
              v = table.concat(parts)
            end
            h[i] = v
            chunks[i] = n
          end
          if any then for i = 1, #FIELDS do if OPTIONAL[i] and not h[i] then h[i] = '' end end end
          local c = tonumber(h[CREATED_AT])
          for i = 1, #FIELDS do
            local after = AFTER_CREATION[i] and c and tonumber(h[i])
            if after then h[i] = num(c + after) end
          end
          return h, chunks
        end
        -- Appends HSET arguments for field i = v, in chunks of at most CHUNK bytes (hash-max-listpack-value: a longer
        -- value would make the whole hash a hashtable); returns how many chunks: 0 for an OPTIONAL field that is empty.
        -- An AFTER_CREATION instant is stored as milliseconds after c, the session's creation (Unix ms).
        local function put(args, i, v, c)
          if v == '' and OPTIONAL[i] then return 0 end
          if AFTER_CREATION[i] and tonumber(v) then v = num(tonumber(v) - c) end
          local n = 1
          args[#args + 1] = FIELDS[i]
          args[#args + 1] = string.sub(v, 1, CHUNK)
          while #v > n * CHUNK do
            args[#args + 1] = FIELDS[i] .. n
            args[#args + 1] = string.sub(v, n * CHUNK + 1, (n + 1) * CHUNK)
            n = n + 1
          end
          return n
        end
        -- A missing key: every field false.
        local function exists(h)
          for i = 1, #FIELDS do if h[i] then return true end end
          return false
        end
        -- Every field present and every instant a number ('' absolute expiry = none, '' authentication time = creation).
        local function intact(h)
          for i = 1, #FIELDS do if not h[i] then return false end end
          return tonumber(h[CREATED_AT]) and tonumber(h[LAST_SEEN_AT]) and tonumber(h[EXPIRES_AT])
            and (h[ABSOLUTE_EXPIRES_AT] == '' or tonumber(h[ABSOLUTE_EXPIRES_AT]))
            and (h[AUTHENTICATED_AT] == '' or tonumber(h[AUTHENTICATED_AT])) and true or false
        end
        -- A hash with none of our fields (only foreign ones) is there too: damaged, not missing.
        local function present(key, h) return exists(h) or redis.call('EXISTS', key) == 1 end
        local function absolute(h) return tonumber(h[ABSOLUTE_EXPIRES_AT]) end
        """;

    /// <summary>
    /// KEYS: session, index. ARGV: now, id, change channel, kind, then the field values in <see cref="RedisSessionField"/>
    /// order, then optionally MaxSessionsPerUser and the session key prefix (<c>{prefix}{kind}:{G}:s:</c>). Inserts;
    /// with a cap, first evicts the user's oldest other valid sessions so that at most the cap remain (the new one
    /// included). Announces each evicted session (a new one was never cached). Returns the evicted sessions, each its id then
    /// its created-at (for the listing index; '' when damaged), an empty array without a cap, or nil, writing nothing, when
    /// the session key exists already.
    /// </summary>
    public static readonly RedisScript Create = Common + "\n" + """
        -- Mirrors SessionEviction.Choose: the user's other valid sessions beyond max - 1 go, oldest first
        -- (created, ties by ordinal id). A hash that is gone only drops its index entry; a damaged created instant counts as oldest.
        local function Evict(idx, id, now, max, prefix)
          -- Fewer valid index entries than the cap (the new id's own included, if there): nothing to evict, O(log n).
          if redis.call('ZCOUNT', idx, '(' .. num(now), '+inf') < max then return {} end
          local others = {}
          for _, other in ipairs(redis.call('ZRANGEBYSCORE', idx, '(' .. num(now), '+inf')) do
            if other ~= id then
              local c = redis.pcall('HGET', prefix .. other, FIELDS[CREATED_AT])
              if type(c) == 'string' then others[#others + 1] = {tonumber(c) or -1, other, tonumber(c) and c or ''}
              elseif type(c) ~= 'table' then redis.call('ZREM', idx, other) end
            end
          end
          local evicted = {}
          local excess = #others - (max - 1)
          if excess <= 0 then return evicted end
          table.sort(others, function(a, b)
            if a[1] ~= b[1] then return a[1] < b[1] end
            return ordinal(a[2], b[2])
          end)
          for i = 1, excess do
            local other = others[i][2]
            redis.call('ZREM', idx, other)
            redis.call('DEL', prefix .. other)
            evicted[#evicted + 1] = other
            evicted[#evicted + 1] = others[i][3]
          end
          return evicted
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local now = tonumber(ARGV[1])
        local e = tonumber(ARGV[4 + EXPIRES_AT])
        local evicted = {}
        if ARGV[5 + #FIELDS] then
          evicted = Evict(KEYS[2], ARGV[2], now, tonumber(ARGV[5 + #FIELDS]), ARGV[6 + #FIELDS])
        end
        index(KEYS[2], ARGV[2], e, now)
        local args = {}
        for i = 1, #FIELDS do put(args, i, ARGV[4 + i], tonumber(ARGV[4 + CREATED_AT])) end
        redis.call('HSET', KEYS[1], unpack(args))
        expire(KEYS[1], e, now)
        for i = 1, #evicted, 2 do announce(ARGV[3], ANNOUNCE_SESSION, ARGV[4], evicted[i]) end
        return evicted
        """;

    /// <summary>
    /// The hot path. KEYS: session. ARGV: digest, now, slideTo ('' for none), sliding granularity (ms), id, index
    /// key prefix. Returns the fields after the touch, or nil (missing, expired, digest refused). The previous digest in
    /// its grace period is accepted without a touch (<c>SessionDigestMatch.Previous</c>).
    /// It announces nothing: a slide only moves last seen and expiry forward, so another instance's cached copy is
    /// behind in the safe direction (it expires and falls due for a slide earlier, and then asks the store).
    /// </summary>
    public static readonly RedisScript FindAndSlide = Common + "\n" + """
        -- Mirrors SessionExpiry.Touch: last seen and the slid expiry are written only when a write is due.
        local function Touch(key, h, now, slideTo, granularity, indexKey, id)
          if not IsWriteDue(tonumber(h[LAST_SEEN_AT]), now, granularity) then return end
          local e = tonumber(h[EXPIRES_AT])
          local slid = Slide(e, slideTo, absolute(h))
          local c, args = tonumber(h[CREATED_AT]), {}
          h[LAST_SEEN_AT] = num(now)
          put(args, LAST_SEEN_AT, h[LAST_SEEN_AT], c)
          if slid ~= e then
            index(indexKey, id, slid, now)
            h[EXPIRES_AT] = num(slid)
            put(args, EXPIRES_AT, h[EXPIRES_AT], c)
          end
          redis.call('HSET', key, unpack(args))
          if slid ~= e then expire(key, slid, now) end
        end
        -- Mirrors SessionRecord.Match: the current digest, or the previous one (PREVIOUS_DIGEST: the grace end in Unix ms,
        -- a space, the digest) while now is before its grace end; nil when neither.
        local function Match(h, presented, now)
          if h[DIGEST] == presented then return 'current' end
          local pd = h[PREVIOUS_DIGEST]
          local at = pd and string.find(pd, ' ', 1, true)
          if at and now < (tonumber(string.sub(pd, 1, at - 1)) or 0) and string.sub(pd, at + 1) == presented then return 'previous' end
          return nil
        end
        local h = load(KEYS[1])
        local now = tonumber(ARGV[2])
        local match = Match(h, ARGV[1], now)
        if not match then
          if h[DIGEST] or not present(KEYS[1], h) then return nil end
          return h
        end
        if not intact(h) then return h end
        if tonumber(h[EXPIRES_AT]) <= now then return nil end
        -- The previous token authenticates until its grace end but never slides the session.
        if match == 'previous' then return h end
        local slideTo = nil
        if ARGV[3] ~= '' then slideTo = tonumber(ARGV[3]) end
        Touch(KEYS[1], h, now, slideTo, tonumber(ARGV[4]), ARGV[6] .. h[USER_ID], ARGV[5])
        return h
        """;

    /// <summary>KEYS: session. ARGV: now. Returns the fields of a valid session, or nil.</summary>
    public static readonly RedisScript Get = Common + "\n" + """
        local h = load(KEYS[1])
        if not present(KEYS[1], h) then return nil end
        if not intact(h) then return h end
        if tonumber(h[EXPIRES_AT]) <= tonumber(ARGV[1]) then return nil end
        return h
        """;

    /// <summary>
    /// KEYS: session. ARGV: now, index key prefix (<c>{prefix}{kind}:{G}:u:</c>), id, change channel, kind, the precondition
    /// ('' for none, or '=' and the device challenge the stored one must equal), then (field position, value) pairs. Returns
    /// the fields after the change, or nil for no valid session or a failed precondition (nothing written or announced);
    /// a change is announced.
    /// </summary>
    public static readonly RedisScript Update = Common + "\n" + """
        -- Mirrors SessionPatch.ApplyTo: given fields replace stored ones; a new expiry is capped by the absolute one
        -- and moves the TTL and the index score; a new digest comes with PREVIOUS_DIGEST, '' (the old digest dies at
        -- once) or a grace end, to which the replaced digest is appended. A value in fewer chunks than before drops the rest.
        local function ApplyTo(key, h, chunks, now, indexKey, id)
          local changes, stale, expiresAt, replaced = {}, {}, nil, h[DIGEST]
          for i = 7, #ARGV, 2 do
            local f, v = tonumber(ARGV[i]), ARGV[i + 1]
            if f == PREVIOUS_DIGEST and v ~= '' then v = v .. ' ' .. replaced end
            if f == EXPIRES_AT then
              expiresAt = Cap(tonumber(v), absolute(h))
              index(indexKey, id, expiresAt, now)
              v = num(expiresAt)
            end
            h[f] = v
            for n = put(changes, f, v, tonumber(h[CREATED_AT])), chunks[f] - 1 do stale[#stale + 1] = n == 0 and FIELDS[f] or FIELDS[f] .. n end
          end
          if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
          if #changes > 0 then redis.call('HSET', key, unpack(changes)) end
          if expiresAt then expire(key, expiresAt, now) end
        end
        local now = tonumber(ARGV[1])
        local h, chunks = load(KEYS[1])
        if not present(KEYS[1], h) then return nil end
        if not intact(h) then return h end
        if tonumber(h[EXPIRES_AT]) <= now then return nil end
        -- Mirrors SessionPatch.Holds: checked in the same script as the write, so one of concurrent consumers wins.
        if ARGV[6] ~= '' and h[DEVICE_CHALLENGE] ~= string.sub(ARGV[6], 2) then return nil end
        ApplyTo(KEYS[1], h, chunks, now, ARGV[2] .. h[USER_ID], ARGV[3])
        announce(ARGV[4], ANNOUNCE_SESSION, ARGV[5], ARGV[3])
        return h
        """;

    /// <summary>
    /// KEYS: session. ARGV: index key prefix, id, change channel, kind. Deletes the session and its index entry and
    /// announces it; returns 1 or 0 and the session's created-at ('' when unknown: for the listing index). A damaged session (no user, or not a hash) or a damaged index never stops the
    /// session itself from being deleted.
    /// </summary>
    public static readonly RedisScript Delete = Common + "\n" + """
        local read, h = pcall(load, KEYS[1])
        local user = read and h[USER_ID]
        if user then redis.pcall('ZREM', ARGV[1] .. user, ARGV[2]) end
        local n = redis.call('DEL', KEYS[1])
        announce(ARGV[3], ANNOUNCE_SESSION, ARGV[4], ARGV[2])
        return {n, read and h[CREATED_AT] or ''}
        """;

    /// <summary>
    /// KEYS: index. ARGV: min score, max score (ZRANGEBYSCORE syntax), session key prefix (<c>{prefix}{kind}:{G}:s:</c>).
    /// Returns a flat array: id followed by its fields, per session; drops index entries whose session is gone. A
    /// session key that is not a hash comes back with every field false (the store reports and skips it).
    /// </summary>
    public static readonly RedisScript Query = Common + "\n" + """
        local out = {}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])) do
          local read, h = pcall(load, ARGV[3] .. id)
          if not read then
            out[#out + 1] = id
            for i = 1, #FIELDS do out[#out + 1] = false end
          elseif present(ARGV[3] .. id, h) then
            out[#out + 1] = id
            for i = 1, #FIELDS do out[#out + 1] = h[i] end
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return out
        """;

    /// <summary>
    /// KEYS: index. ARGV: min score, max score, session key prefix, id to keep ('' for none), change channel, kind,
    /// user id, then optionally the only ids to delete (when metadata narrowed the set). Deletes atomically and
    /// announces the user when it deleted any; returns how many sessions it deleted, how many ids it read, and the
    /// deleted sessions, each its id and created-at ('' when unknown; the store then drops them from the kind's listing index).
    /// </summary>
    public static readonly RedisScript DeleteMany = RedisSessionFields.LuaDeclarations + RedisInvalidationMessages.LuaDeclarations + "\n" + """
        local ids
        if #ARGV > 8 then ids = {unpack(ARGV, 9)} else ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[8])) end
        -- One ZREM per 500 sessions, not one per session.
        local n, members, deleted = 0, {}, {}
        for _, id in ipairs(ids) do
          if id ~= ARGV[4] then
            members[#members + 1] = id
            local c = redis.pcall('HGET', ARGV[3] .. id, FIELDS[CREATED_AT])
            if redis.call('DEL', ARGV[3] .. id) == 1 then
              n = n + 1
              deleted[#deleted + 1] = id
              deleted[#deleted + 1] = type(c) == 'string' and c or ''
            end
          end
        end
        for i = 1, #members, 500 do redis.call('ZREM', KEYS[1], unpack(members, i, math.min(i + 499, #members))) end
        if n > 0 then announce(ARGV[5], ANNOUNCE_USER, ARGV[6], ARGV[7]) end
        return {n, #ids, deleted}
        """;

    /// <summary>
    /// The kind's listing index (<see cref="RedisSessionStore"/>'s remarks): every session id of the kind in listing order
    /// (created-at, then id bytewise), kept in <em>buckets</em> of at most <c>MAX</c> ids so that each stays a listpack on a
    /// default server (<c>zset-max-listpack-entries</c> is 128), about 40 bytes an id where one sorted set of millions is a
    /// skiplist of about 145. <c>KEYS[1]</c> is the directory: a sorted set of every bucket's lower bound, all scored 0 so that
    /// it is ordered by its members (<c>ZRANGEBYLEX</c>): the bound's created-at as 15 fixed-width digits (Unix ms offset to
    /// stay positive over <see cref="DateTimeOffset"/>'s range), then its id. Bucket <c>m</c> is the sorted set
    /// <c>KEYS[1] .. ':' .. m</c> of the ids from bound <c>m</c> up to the next bound, scored by created-at; the first
    /// bucket's bound is <c>''</c>. A bucket over <c>MAX</c> splits in two; one that falls under a quarter of it merges into
    /// the bucket before it when both fit in half of it; an empty one goes. All in the directory's slot (<c>{#}</c>).
    /// </summary>
    private const string ListingLibrary = """
        local MAX = 120
        local function bound(c, id) return string.format('%015.0f', c + 62135596800000) .. id end
        -- The bound of the bucket (c, id) belongs in: the greatest bound at or before it; nil for an empty directory.
        local function bucketOf(dir, c, id) return redis.call('ZREVRANGEBYLEX', dir, '[' .. bound(c, id), '-', 'LIMIT', 0, 1)[1] end
        -- ZRANGE ... WITHSCORES's flat (id, score) pairs as ZADD's (score, id) arguments.
        local function moved(entries)
          local args = {}
          for i = 1, #entries, 2 do
            args[#args + 1] = entries[i + 1]
            args[#args + 1] = entries[i]
          end
          return args
        end
        local function Add(dir, c, id)
          local m = bucketOf(dir, c, id)
          if not m then
            m = ''
            redis.call('ZADD', dir, 0, m)
          end
          local b = dir .. ':' .. m
          local added = redis.call('ZADD', b, 'NX', num(c), id)
          if added == 1 and redis.call('ZCARD', b) > MAX then
            local upper = redis.call('ZRANGE', b, MAX / 2, -1, 'WITHSCORES')
            local split = bound(tonumber(upper[2]), upper[1])
            redis.call('ZADD', dir .. ':' .. split, unpack(moved(upper)))
            redis.call('ZADD', dir, 0, split)
            redis.call('ZREMRANGEBYRANK', b, MAX / 2, -1)
          end
          return added
        end
        -- Drops ids from bucket m; a bucket left under a quarter full merges into the one before it when both fit in half.
        local function Shrink(dir, m, ids)
          local b, n = dir .. ':' .. m, 0
          for j = 1, #ids, 500 do n = n + redis.call('ZREM', b, unpack(ids, j, math.min(j + 499, #ids))) end
          if n > 0 and m ~= '' then
            local left = redis.call('ZCARD', b)
            if left < MAX / 4 then
              local before = redis.call('ZREVRANGEBYLEX', dir, '(' .. m, '-', 'LIMIT', 0, 1)[1]
              if left == 0 or (before and redis.call('ZCARD', dir .. ':' .. before) + left <= MAX / 2) then
                if left > 0 then
                  redis.call('ZADD', dir .. ':' .. before, unpack(moved(redis.call('ZRANGE', b, 0, -1, 'WITHSCORES'))))
                  redis.call('DEL', b)
                end
                redis.call('ZREM', dir, m)
              end
            end
          end
          return n
        end
        """;

    /// <summary>
    /// KEYS: the kind's listing directory (<see cref="ListingLibrary"/>). ARGV: created-at (Unix ms), id. Lists the id unless
    /// it is there (a refused duplicate create never moves it). A script, so that it is atomic and goes where the session
    /// scripts go (a replica answers it <c>READONLY</c>, as it answers them).
    /// </summary>
    public static readonly RedisScript List = Common + "\n" + ListingLibrary + "\n" + """
        return Add(KEYS[1], tonumber(ARGV[1]), ARGV[2])
        """;

    /// <summary>
    /// KEYS: the kind's listing directory. ARGV: (created-at, id) pairs in listing order. Drops each listed id, a bucket at a
    /// time (O(log n) per bucket, not per id); returns how many were listed. An id whose created-at is not its listed one is
    /// not found (a page or the sweep drops it later).
    /// </summary>
    public static readonly RedisScript Unlist = Common + "\n" + ListingLibrary + "\n" + """
        -- One bucket at a time: its bound and the next one found once for all the ids between them.
        local n, i = 0, 1
        while i <= #ARGV do
          local m = bucketOf(KEYS[1], tonumber(ARGV[i]), ARGV[i + 1])
          if not m then return n end
          local after = redis.call('ZRANGEBYLEX', KEYS[1], '(' .. m, '+', 'LIMIT', 0, 1)[1]
          local ids = {}
          repeat
            ids[#ids + 1] = ARGV[i + 1]
            i = i + 2
          until i > #ARGV or (after and not ordinal(bound(tonumber(ARGV[i]), ARGV[i + 1]), after))
          n = n + Shrink(KEYS[1], m, ids)
        end
        return n
        """;

    /// <summary>
    /// KEYS: the kind's listing directory. ARGV: the cursor's created-at ('' for the first page), the cursor's id, how many
    /// entries. Returns a flat array, id then created-at, of up to that many entries strictly after the cursor, in listing
    /// order: the cursor's bucket (found in O(log n) whether or not the cursor's id is still listed, however many ids share
    /// its millisecond), then the buckets after it. O(log n + count + MAX).
    /// </summary>
    public static readonly RedisScript ListingPage = Common + "\n" + ListingLibrary + "\n" + """
        local n = tonumber(ARGV[3])
        local c, id = tonumber(ARGV[1]), ARGV[2]
        local out = {}
        local m
        if c then m = bucketOf(KEYS[1], c, id) else m = redis.call('ZRANGEBYLEX', KEYS[1], '-', '+', 'LIMIT', 0, 1)[1] end
        while m and #out < 2 * n do
          local entries = redis.call('ZRANGE', KEYS[1] .. ':' .. m, 0, -1, 'WITHSCORES')
          for i = 1, #entries, 2 do
            if #out >= 2 * n then break end
            local s = tonumber(entries[i + 1])
            if not c or s > c or (s == c and ordinal(id, entries[i])) then
              out[#out + 1] = entries[i]
              out[#out + 1] = entries[i + 1]
            end
          end
          m = redis.call('ZRANGEBYLEX', KEYS[1], '(' .. m, '+', 'LIMIT', 0, 1)[1]
        end
        return out
        """;
}
