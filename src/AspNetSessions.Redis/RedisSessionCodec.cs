using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Stores;

namespace AspNetSessions.Redis;

/// <summary>
/// Converts sessions to and from the Redis hash fields (see <see cref="RedisSessionScripts"/>): instants as Unix
/// milliseconds, claims as a JSON array of [type, value] pairs, data and metadata as JSON objects, '' when empty.
/// </summary>
internal static class RedisSessionCodec
{
    public const int FieldCount = 9;

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary>The 9 field values of a record, in the scripts' field order.</summary>
    public static void WriteFields(SessionRecord record, Span<RedisArg> destination)
    {
        var s = record.Session;
        destination[0] = s.UserId;
        destination[1] = record.Digest;
        destination[2] = Millis(s.CreatedAt);
        destination[3] = Millis(s.LastSeenAt);
        destination[4] = Millis(s.ExpiresAt);
        destination[5] = s.AbsoluteExpiresAt is { } absolute ? Millis(absolute).ToString(CultureInfo.InvariantCulture) : string.Empty;
        destination[6] = Claims(s.Claims);
        destination[7] = Map(s.Data);
        destination[8] = Map(s.Metadata);
    }

    /// <summary>
    /// The record held in 9 field values starting at <paramref name="offset"/>, or null for a nil reply. Any other
    /// shape means the server is not the one we expect: fail closed rather than guess.
    /// </summary>
    public static SessionRecord? ReadRecord(string kind, string id, RespValue reply, int offset = 0)
    {
        if (reply.IsNull)
        {
            return null;
        }

        if (reply.Kind != RespKind.Array || reply.Count < offset + FieldCount)
        {
            throw UnexpectedReply(reply);
        }

        var f = reply.Items.Slice(offset, FieldCount);
        foreach (var field in f)
        {
            if (field.Kind != RespKind.BulkString)
            {
                throw UnexpectedReply(field);
            }
        }

        var absolute = f[5].Memory;
        var session = new Session
        {
            Id = id,
            Kind = kind,
            UserId = f[0].AsString()!,
            CreatedAt = FromMillis(f[2]),
            LastSeenAt = FromMillis(f[3]),
            ExpiresAt = FromMillis(f[4]),
            AbsoluteExpiresAt = absolute.IsEmpty ? null : FromMillis(f[5]),
            Claims = ReadClaims(f[6].Memory.Span),
            Data = ReadMap(f[7].Memory.Span),
            Metadata = ReadMap(f[8].Memory.Span),
        };
        return new SessionRecord(session, f[1].AsBytes()!);
    }

    public static long Millis(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    /// <summary>An integer reply, or the store is treated as unavailable.</summary>
    public static long Integer(RespValue reply) =>
        reply.Kind == RespKind.Integer ? reply.AsInt64() : throw UnexpectedReply(reply);

    /// <summary>An array reply whose length is a multiple of <paramref name="stride"/>, or the store is treated as unavailable.</summary>
    public static RespValue Array(RespValue reply, int stride) =>
        reply.Kind == RespKind.Array && reply.Count % stride == 0 ? reply : throw UnexpectedReply(reply);

    public static SessionStoreUnavailableException UnexpectedReply(RespValue reply) =>
        new($"Redis answered with an unexpected {reply.Kind} reply; the store is treated as unavailable.");

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

    private static DateTimeOffset FromMillis(RespValue value)
    {
        var millis = value.AsInt64();
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
        reader.Read(); // [
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var type = reader.GetString()!;
            reader.Read();
            var value = reader.GetString()!;
            reader.Read(); // ]
            claims.Add(new SessionClaim(type, value));
        }

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
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = reader.GetString()!;
        }

        return map;
    }
}
