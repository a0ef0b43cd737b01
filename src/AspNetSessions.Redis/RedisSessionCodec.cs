using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AspNetSessions.Stores;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// Converts sessions to and from the Redis hash fields (<see cref="RedisSessionField"/>): instants as Unix
/// milliseconds, claims as a JSON array of [type, value] pairs, data and metadata as JSON objects, '' when empty.
/// Reading is strict: a field that is missing or does not parse makes the record damaged, never a guess.
/// </summary>
internal static class RedisSessionCodec
{
    private static readonly IReadOnlyDictionary<string, string> EmptyMap = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary>The field values of a record, in <see cref="RedisSessionField"/> order.</summary>
    public static void WriteFields(SessionRecord record, Span<RedisValue> destination)
    {
        var s = record.Session;
        destination[(int)RedisSessionField.UserId] = s.UserId;
        destination[(int)RedisSessionField.Digest] = record.Digest;
        destination[(int)RedisSessionField.CreatedAt] = Millis(s.CreatedAt);
        destination[(int)RedisSessionField.LastSeenAt] = Millis(s.LastSeenAt);
        destination[(int)RedisSessionField.ExpiresAt] = Millis(s.ExpiresAt);
        destination[(int)RedisSessionField.AbsoluteExpiresAt] = s.AbsoluteExpiresAt is { } absolute ? Millis(absolute) : RedisValue.EmptyString;
        destination[(int)RedisSessionField.Claims] = Claims(s.Claims);
        destination[(int)RedisSessionField.Data] = Map(s.Data);
        destination[(int)RedisSessionField.Metadata] = Map(s.Metadata);
    }

    /// <summary>
    /// Reads the record held in <see cref="RedisSessionFields.Count"/> values starting at <paramref name="offset"/>.
    /// Returns false with a reason (never a value from the record) when it is damaged.
    /// </summary>
    public static bool TryReadRecord(string kind, string id, RedisResult[] items, int offset, out SessionRecord? record, out string? damage)
    {
        record = null;
        damage = null;
        if (items.Length < offset + RedisSessionFields.Count)
        {
            damage = "the reply holds too few fields";
            return false;
        }

        var f = items.AsSpan(offset, RedisSessionFields.Count);
        for (var i = 0; i < f.Length; i++)
        {
            // Lua's false arrives as a null (RESP2) or a boolean (RESP3): a missing field either way.
            if (f[i].IsNull || f[i].Resp2Type != ResultType.BulkString)
            {
                damage = $"field '{RedisSessionFields.Name((RedisSessionField)i)}' is missing";
                return false;
            }
        }

        try
        {
            var absolute = (RedisValue)f[(int)RedisSessionField.AbsoluteExpiresAt];
            var digest = (byte[]?)f[(int)RedisSessionField.Digest];
            if (digest is not { Length: > 0 })
            {
                damage = "the digest is empty";
                return false;
            }

            var session = new Session
            {
                Id = id,
                Kind = kind,
                UserId = (string?)f[(int)RedisSessionField.UserId] is { Length: > 0 } user ? user : throw new FormatException("the user id is empty"),
                CreatedAt = Instant(f, RedisSessionField.CreatedAt),
                LastSeenAt = Instant(f, RedisSessionField.LastSeenAt),
                ExpiresAt = Instant(f, RedisSessionField.ExpiresAt),
                AbsoluteExpiresAt = absolute.IsNullOrEmpty ? null : Instant(f, RedisSessionField.AbsoluteExpiresAt),
                Claims = ReadClaims(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Claims]).Span),
                Data = ReadMap(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Data]).Span),
                Metadata = ReadMap(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Metadata]).Span),
            };
            record = new SessionRecord(session, digest);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
            damage = e.Message;
            return false;
        }
    }

    public static long Millis(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static string Claims(IReadOnlyList<SessionClaim> claims)
    {
        if (claims.Count == 0)
        {
            return string.Empty;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var claim in claims)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(claim.Type);
                writer.WriteStringValue(claim.Value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Map(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return string.Empty;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static DateTimeOffset Instant(ReadOnlySpan<RedisResult> fields, RedisSessionField field)
    {
        var value = (RedisValue)fields[(int)field];
        if (!value.TryParse(out long millis) || millis < 0)
        {
            throw new FormatException($"field '{RedisSessionFields.Name(field)}' is not an instant");
        }

        return millis >= RedisSessionScripts.Never ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(millis);
    }

    private static SessionClaim[] ReadClaims(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return [];
        }

        var claims = new List<SessionClaim>();
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Is(ref reader, JsonTokenType.StartArray);
            Expect(ref reader, JsonTokenType.String);
            var type = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String);
            var value = reader.GetString()!;
            Expect(ref reader, JsonTokenType.EndArray);
            claims.Add(new SessionClaim(type, value));
        }

        End(ref reader);
        return [.. claims];
    }

    private static IReadOnlyDictionary<string, string> ReadMap(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return EmptyMap;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            Is(ref reader, JsonTokenType.PropertyName);
            var key = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String);
            map[key] = reader.GetString()!;
        }

        End(ref reader);
        return map;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("the JSON ends early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Next(ref reader);
        Is(ref reader, type);
    }

    private static void Is(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the JSON has {reader.TokenType} where {type} belongs"));
        }
    }

    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new FormatException("the JSON goes on after its end");
        }
    }
}
