using AspNetSessions.Redis.Resp;

namespace AspNetSessions.Redis;

/// <summary>
/// The Lua scripts of the Redis store. Each runs atomically and touches one hash slot: a session hash
/// <c>{prefix}{kind}:{G}:s:{id}</c> and its user's index <c>{prefix}{kind}:{G}:u:{user}</c> share the hash tag
/// <c>{G}</c>, the user group that starts every session id. Keys a script derives itself (the index from a
/// session's user, sessions from an index's ids) are built from the same tag, so they are in that slot too.
/// </summary>
/// <remarks>
/// Hash fields: <c>u</c> user id, <c>d</c> digest (32 raw bytes), <c>c</c> created, <c>l</c> last seen,
/// <c>e</c> expires, <c>a</c> absolute expiry ('' if none) — instants as Unix milliseconds — then <c>cl</c>
/// claims, <c>da</c> data, <c>m</c> metadata as JSON ('' if empty). The index scores each session id by its
/// expiry. Instants come from the app's clock (ARGV), never from Redis's, and Redis TTLs are set relative to
/// that "now", so tests with a fake clock behave like production. The digest comparison is a plain string
/// comparison: digests are SHA-256/HMAC outputs an attacker cannot steer, so timing reveals nothing usable.
/// </remarks>
internal static class RedisSessionScripts
{
    /// <summary>Unix milliseconds of <see cref="DateTimeOffset.MaxValue"/>: "never expires".</summary>
    public const long Never = 253402300799999;

    private const string Common = """
        local NEVER = 253402300799999
        local FIELDS = {'u', 'd', 'c', 'l', 'e', 'a', 'cl', 'da', 'm'}
        local function num(n) return string.format('%.0f', n) end
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
        """;

    /// <summary>KEYS: session, index. ARGV: now, id, then the 9 field values in <c>FIELDS</c> order. Creates or replaces.</summary>
    public static readonly RedisScript Set = new(Common + "\n" + """
        local now = tonumber(ARGV[1])
        redis.call('DEL', KEYS[1])
        local args = {}
        for i, f in ipairs(FIELDS) do args[#args + 1] = f; args[#args + 1] = ARGV[2 + i] end
        redis.call('HSET', KEYS[1], unpack(args))
        local e = tonumber(ARGV[7])
        expire(KEYS[1], e, now)
        index(KEYS[2], ARGV[2], e, now)
        return 1
        """);

    /// <summary>
    /// The hot path. KEYS: session. ARGV: digest, now, slideTo ('' for none), touch interval (ms), id, index key prefix.
    /// Returns the 9 fields after the touch, or nil (missing, expired, digest mismatch).
    /// </summary>
    public static readonly RedisScript FindAndSlide = new(Common + "\n" + """
        local h = redis.call('HMGET', KEYS[1], unpack(FIELDS))
        if not h[2] or h[2] ~= ARGV[1] then return nil end
        local now, e = tonumber(ARGV[2]), tonumber(h[5])
        if e <= now then return nil end
        if now - tonumber(h[4]) >= tonumber(ARGV[4]) then
          local ne = e
          if ARGV[3] ~= '' then
            local s = tonumber(ARGV[3])
            if h[6] ~= '' then s = math.min(s, tonumber(h[6])) end
            if s > ne then ne = s end
          end
          h[4] = ARGV[2]
          if ne ~= e then
            h[5] = num(ne)
            redis.call('HSET', KEYS[1], 'l', h[4], 'e', h[5])
            expire(KEYS[1], ne, now)
            index(ARGV[6] .. h[1], ARGV[5], ne, now)
          else
            redis.call('HSET', KEYS[1], 'l', h[4])
          end
        end
        return h
        """);

    /// <summary>KEYS: session. ARGV: now. Returns the 9 fields of a valid session, or nil.</summary>
    public static readonly RedisScript Get = new(Common + "\n" + """
        local h = redis.call('HMGET', KEYS[1], unpack(FIELDS))
        if not h[1] or tonumber(h[5]) <= tonumber(ARGV[1]) then return nil end
        return h
        """);

    /// <summary>
    /// KEYS: session. ARGV: now, index key prefix (<c>{prefix}{kind}:{G}:u:</c>), id, then field/value pairs;
    /// field <c>e</c> is capped by the absolute expiry and moves the TTL and index score. Returns the 9 fields, or nil.
    /// </summary>
    public static readonly RedisScript Update = new(Common + "\n" + """
        local now = tonumber(ARGV[1])
        local cur = redis.call('HMGET', KEYS[1], 'u', 'e', 'a')
        if not cur[1] or tonumber(cur[2]) <= now then return nil end
        for i = 4, #ARGV, 2 do
          local f, v = ARGV[i], ARGV[i + 1]
          if f == 'e' then
            local e = tonumber(v)
            if cur[3] ~= '' then e = math.min(e, tonumber(cur[3])) end
            redis.call('HSET', KEYS[1], 'e', num(e))
            expire(KEYS[1], e, now)
            index(ARGV[2] .. cur[1], ARGV[3], e, now)
          else
            redis.call('HSET', KEYS[1], f, v)
          end
        end
        return redis.call('HMGET', KEYS[1], unpack(FIELDS))
        """);

    /// <summary>KEYS: session. ARGV: index key prefix, id. Deletes the session and its index entry; returns 1 or 0.</summary>
    public static readonly RedisScript Delete = new("""
        local user = redis.call('HGET', KEYS[1], 'u')
        if not user then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', ARGV[1] .. user, ARGV[2])
        return 1
        """);

    /// <summary>
    /// KEYS: index. ARGV: min score, max score (ZRANGEBYSCORE syntax), session key prefix (<c>{prefix}{kind}:{G}:s:</c>).
    /// Returns a flat array: id followed by its 9 fields, per live session; drops index entries whose session is gone.
    /// </summary>
    public static readonly RedisScript Query = new(Common + "\n" + """
        local out = {}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])) do
          local h = redis.call('HMGET', ARGV[3] .. id, unpack(FIELDS))
          if h[1] then
            out[#out + 1] = id
            for i = 1, #FIELDS do out[#out + 1] = h[i] end
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return out
        """);

    /// <summary>
    /// KEYS: index. ARGV: min score, max score, session key prefix, id to keep ('' for none), then optionally the
    /// only ids to delete (when metadata narrowed the set). Deletes atomically; returns how many sessions it deleted.
    /// </summary>
    public static readonly RedisScript DeleteMany = new("""
        local ids
        if #ARGV > 4 then ids = {unpack(ARGV, 5)} else ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2]) end
        local n = 0
        for _, id in ipairs(ids) do
          if id ~= ARGV[4] then
            n = n + redis.call('DEL', ARGV[3] .. id)
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return n
        """);
}
