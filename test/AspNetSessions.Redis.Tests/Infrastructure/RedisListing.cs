using System.Globalization;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>What tests read of a kind's listing index (the directory <c>{prefix}{kind}:{#}:l</c> and its buckets).</summary>
internal static class RedisListing
{
    // Every bucket named in the directory: whether the id is in one, and how many ids and buckets there are.
    private const string Read = """
        local found, ids, buckets, listpacks = 0, 0, 0, 0
        for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          local b = KEYS[1] .. ':' .. m
          if redis.call('ZSCORE', b, ARGV[1]) then found = 1 end
          local n = redis.call('ZCARD', b)
          ids = ids + n
          if n > 0 then
            buckets = buckets + 1
            if redis.call('OBJECT', 'ENCODING', b) == 'listpack' then listpacks = listpacks + 1 end
          end
        end
        return found .. ' ' .. ids .. ' ' .. buckets .. ' ' .. listpacks
        """;

    /// <summary>The kind's listing directory key.</summary>
    public static string Key(string keyPrefix, string kind = "Session") => $"{keyPrefix}{kind}:{{#}}:l";

    /// <summary>Whether <paramref name="id"/> is listed.</summary>
    public static async Task<bool> ContainsAsync(RedisServer server, string keyPrefix, string id) =>
        (await ReadAsync(server, keyPrefix, id))[0] == 1;

    /// <summary>How many ids are listed, in how many non-empty buckets, and how many of those are listpacks.</summary>
    public static async Task<(long Ids, long Buckets, long Listpacks)> ShapeAsync(RedisServer server, string keyPrefix)
    {
        var read = await ReadAsync(server, keyPrefix, string.Empty);
        return (read[1], read[2], read[3]);
    }

    private static async Task<long[]> ReadAsync(RedisServer server, string keyPrefix, string id)
    {
        var reply = await server.ExecuteAsync("EVAL", Read, "1", Key(keyPrefix), id);
        return [.. reply!.Split(' ').Select(n => long.Parse(n, CultureInfo.InvariantCulture))];
    }
}
