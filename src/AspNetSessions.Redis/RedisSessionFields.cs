using System.Text;

namespace AspNetSessions.Redis;

/// <summary>The hash field names of <see cref="RedisSessionField"/> and their Lua declarations.</summary>
internal static class RedisSessionFields
{
    /// <summary>
    /// How many fields a session hash has. Those in <see cref="Required"/> must be there (a hash missing one is damaged);
    /// every other one is left out while it is empty (the scripts read a missing one as ''), which keeps the hash of a
    /// typical session about 40 bytes smaller than writing every field.
    /// </summary>
    public const int Count = 16;

    /// <summary>
    /// The fields every session hash has, whatever the session; the rest are written only when not empty. Besides the
    /// identity and the instants, every field whose empty value would widen a session is required (<c>a</c>: '' is no
    /// absolute cap, <c>sc</c>: '' is unrestricted, <c>dk</c>: '' is not device-bound), so that a hash that lost one is
    /// damaged and refused, never read as more than it was. An optional field that is lost reads as empty, which only
    /// narrows a session (no claims, an older authentication time) or drops what the app stored (data, metadata).
    /// </summary>
    public static readonly IReadOnlySet<RedisSessionField> Required = new HashSet<RedisSessionField>
    {
        RedisSessionField.UserId, RedisSessionField.Digest, RedisSessionField.CreatedAt, RedisSessionField.LastSeenAt, RedisSessionField.ExpiresAt,
        RedisSessionField.AbsoluteExpiresAt, RedisSessionField.Scopes, RedisSessionField.DeviceKey,
    };

    /// <summary>
    /// The instants stored as milliseconds after the creation (<c>c</c>, stored as Unix milliseconds) rather than as Unix
    /// milliseconds: a listpack keeps an integer in as few bytes as it needs (a fresh session's last seen, 0, in one; 30
    /// minutes in three; a week in four, where a Unix millisecond takes eight), which keeps a typical session hash in a
    /// smaller allocation. The scripts convert on every read and write (<c>load</c>, <c>put</c>); what they return, and
    /// what the codec sees, is Unix milliseconds.
    /// </summary>
    public static readonly IReadOnlySet<RedisSessionField> AfterCreation = new HashSet<RedisSessionField>
    {
        RedisSessionField.LastSeenAt, RedisSessionField.ExpiresAt, RedisSessionField.AbsoluteExpiresAt, RedisSessionField.AuthenticatedAt,
    };

    /// <summary>
    /// The longest value one hash field holds, in bytes: Redis's default <c>hash-max-listpack-value</c>. A longer value
    /// (claims, metadata, a long user id) is stored in chunks of at most this many bytes: the field's own name holds
    /// the first, <c>{name}1</c>, <c>{name}2</c>, … the rest (the scripts join them). Every value within it keeps a
    /// typical session a listpack (one allocation, about a third of a hashtable's size) without any server setting;
    /// one value over it would turn the whole hash into a hashtable for good.
    /// </summary>
    public const int ChunkBytes = 64;

    // Short names keep a million sessions' hashes small; docs/redis.md's key layout lists them.
    private static readonly string[] Names = ["u", "d", "c", "l", "e", "a", "cl", "da", "m", "t", "p", "n", "sc", "dk", "dc", "pd"];

    /// <summary>
    /// Lua declarations every script starts with: <c>FIELDS</c>, the names in <see cref="RedisSessionField"/> order,
    /// one 1-based index per field named after it (<c>USER_ID</c>, <c>EXPIRES_AT</c>, …), <c>CHUNK</c> (<see cref="ChunkBytes"/>),
    /// <c>READ</c>: the names and then each one's second chunk (<c>u</c>, …, <c>u1</c>, …), what one <c>HMGET</c> reads, and
    /// <c>OPTIONAL</c>: per field, whether it is left out while empty (not in <see cref="Required"/>), and <c>AFTER_CREATION</c>:
    /// per field, whether it is stored relative to the creation (<see cref="AfterCreation"/>).
    /// </summary>
    public static readonly string LuaDeclarations = BuildLuaDeclarations();

    /// <summary>The hash field name of <paramref name="field"/>.</summary>
    public static string Name(RedisSessionField field) => Names[(int)field];

    /// <summary>The 1-based position of <paramref name="field"/> in the scripts' <c>FIELDS</c> table.</summary>
    public static int LuaIndex(RedisSessionField field) => (int)field + 1;

    private static string BuildLuaDeclarations()
    {
        var fields = Enum.GetValues<RedisSessionField>();
        if (fields.Length != Count || Names.Length != Count)
        {
            throw new InvalidOperationException("RedisSessionField, its names and Count disagree.");
        }

        var text = new StringBuilder("local CHUNK = ").Append(ChunkBytes).Append("\nlocal FIELDS = {");
        text.AppendJoin(", ", fields.Select(f => "'" + Name(f) + "'")).Append("}\n");
        text.Append("local OPTIONAL = {").AppendJoin(", ", fields.Select(f => Required.Contains(f) ? "false" : "true")).Append("}\n");
        text.Append("local AFTER_CREATION = {").AppendJoin(", ", fields.Select(f => AfterCreation.Contains(f) ? "true" : "false")).Append("}\n");        text.Append("local READ = {").AppendJoin(", ", fields.Select(f => "'" + Name(f) + "'").Concat(fields.Select(f => "'" + Name(f) + "1'"))).Append("}\n");
        foreach (var field in fields)
        {
            text.Append("local ").Append(LuaName(field)).Append(" = ").Append(LuaIndex(field)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>ExpiresAt</c> → <c>EXPIRES_AT</c>.</summary>
    private static string LuaName(RedisSessionField field)
    {
        var name = field.ToString();
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }
}
