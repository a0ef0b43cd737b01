using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Rows ↔ records: the one place that knows the column encodings. Instants are UTC <see cref="DateTime"/>s; claims are
/// a JSON array of [type, value] pairs (order and duplicates kept); data and metadata are JSON objects of strings.
/// </summary>
internal static class SessionRowCodec
{
    public static SessionRow ToRow(SessionRecord record, long version)
    {
        var s = record.Session;
        return new SessionRow
        {
            Kind = s.Kind,
            Id = s.Id,
            UserId = s.UserId,
            Digest = record.Digest.ToArray(),
            CreatedAt = ToColumn(s.CreatedAt),
            LastSeenAt = ToColumn(s.LastSeenAt),
            ExpiresAt = ToColumn(s.ExpiresAt),
            AbsoluteExpiresAt = s.AbsoluteExpiresAt is { } a ? ToColumn(a) : null,
            Claims = WriteClaims(s.Claims),
            Data = WriteMap(s.Data),
            Metadata = WriteMap(s.Metadata),
            Version = version,
        };
    }

    public static DateTime ToColumn(DateTimeOffset instant) => instant.UtcDateTime;

    public static DateTimeOffset FromColumn(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);

    /// <summary>Decodes a row; <see langword="false"/> with the reason when it is damaged (it is then refused, never half-read).</summary>
    public static bool TryDecode(SessionRow row, [NotNullWhen(true)] out SessionRecord? record, [NotNullWhen(false)] out string? problem)
    {
        record = null;
        if (!SessionIds.IsWellFormed(row.Id))
        {
            problem = "malformed session id";
            return false;
        }

        if (row.Digest is not { Length: 32 })
        {
            problem = "digest is not 32 bytes";
            return false;
        }

        if (string.IsNullOrEmpty(row.UserId))
        {
            problem = "empty user id";
            return false;
        }

        try
        {
            var session = new Session
            {
                Id = row.Id,
                Kind = row.Kind,
                UserId = row.UserId,
                CreatedAt = FromColumn(row.CreatedAt),
                LastSeenAt = FromColumn(row.LastSeenAt),
                ExpiresAt = FromColumn(row.ExpiresAt),
                AbsoluteExpiresAt = row.AbsoluteExpiresAt is { } a ? FromColumn(a) : null,
                Claims = ReadClaims(row.Claims),
                Data = ReadMap(row.Data),
                Metadata = ReadMap(row.Metadata),
            };
            record = new SessionRecord(session, row.Digest);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            problem = "claims, data or metadata are not valid JSON of the expected shape";
            return false;
        }
    }

    public static string WriteClaims(IReadOnlyList<SessionClaim> claims)
    {
        if (claims.Count == 0)
        {
            return "[]";
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

    public static string WriteMap(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return "{}";
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

    private static IReadOnlyList<SessionClaim> ReadClaims(string json)
    {
        if (json == "[]")
        {
            return [];
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Expect(ref reader, JsonTokenType.StartArray);
        var claims = new List<SessionClaim>();
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

        return claims;
    }

    private static Dictionary<string, string> ReadMap(string json)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json == "{}")
        {
            return map;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            Is(ref reader, JsonTokenType.PropertyName);
            var key = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String);
            map[key] = reader.GetString()!;
        }

        return map;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("Unexpected end of JSON.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Next(ref reader);
        Is(ref reader, type);
    }

    private static void Is(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}, got {reader.TokenType}.");
        }
    }
}
