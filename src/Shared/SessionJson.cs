using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AspNetSessions.Stores;

/// <summary>
/// The JSON form of a session's claims, data and metadata, for stores that keep them as text (Redis hash fields,
/// database columns): claims are an array of <c>[type, value]</c> pairs (order and duplicates kept), data and metadata
/// are objects of strings. Readers accept the empty string as "none" and refuse anything else that is not exactly this
/// shape with a <see cref="FormatException"/>, so a damaged record is refused rather than half read.
/// </summary>
/// <remarks>
/// Source shared by the packages that need it (the core, Redis, EF Core: <c>&lt;Compile Include="../Shared/SessionJson.cs" /&gt;</c>),
/// as aspnetcore's src/Shared is, so the form has one home without being public API. The empty map is
/// <c>FrozenDictionary.Empty</c>, the very instance the core's <c>SessionMaps.Empty</c> is.
/// </remarks>
internal static class SessionJson
{
    /// <summary>
    /// Claim types a store may write as their position in this list (<see cref="WriteClaims"/> with <c>numberedTypes</c>):
    /// <c>[[0,"admin"]]</c> for a role claim instead of 74 bytes of URI. Append only: a position, once written, means its
    /// type forever. Every reader accepts the numbers, whichever store wrote them.
    /// </summary>
    internal static readonly string[] NumberedClaimTypes =
    [
        System.Security.Claims.ClaimTypes.Role,
        System.Security.Claims.ClaimTypes.Name,
        System.Security.Claims.ClaimTypes.NameIdentifier,
        System.Security.Claims.ClaimTypes.Email,
        System.Security.Claims.ClaimTypes.GivenName,
        System.Security.Claims.ClaimTypes.Surname,
        System.Security.Claims.ClaimTypes.AuthenticationMethod,
        System.Security.Claims.ClaimTypes.GroupSid,
    ];

    private static readonly FrozenDictionary<string, int> ClaimTypeNumbers =
        NumberedClaimTypes.Select((type, i) => KeyValuePair.Create(type, i)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Claims as JSON (<c>[]</c> when there are none).</summary>
    /// <param name="claims">The claims.</param>
    /// <param name="numberedTypes">Whether a type in <see cref="NumberedClaimTypes"/> is written as its position (a number).</param>
    public static string WriteClaims(IReadOnlyList<SessionClaim> claims, bool numberedTypes = false)
    {
        ArgumentNullException.ThrowIfNull(claims);
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
                if (numberedTypes && ClaimTypeNumbers.TryGetValue(claim.Type, out var number))
                {
                    writer.WriteNumberValue(number);
                }
                else
                {
                    writer.WriteStringValue(claim.Type);
                }

                writer.WriteStringValue(claim.Value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A map of strings as a JSON object (<c>{}</c> when empty).</summary>
    /// <param name="map">The data or metadata.</param>
    public static string WriteMap(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
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

    /// <summary>Claims from their JSON (UTF-8); empty input is no claims. A type may be a position in <see cref="NumberedClaimTypes"/>.</summary>
    /// <param name="utf8">The stored text.</param>
    /// <exception cref="FormatException">The text is not a claims array.</exception>
    public static SessionClaim[] ReadClaims(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return [];
        }

        try
        {
            var claims = new List<SessionClaim>();
            var reader = new Utf8JsonReader(utf8);
            Expect(ref reader, JsonTokenType.StartArray);
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                Is(ref reader, JsonTokenType.StartArray);
                var type = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var number) && (uint)number < (uint)NumberedClaimTypes.Length
                    ? NumberedClaimTypes[number]
                    : Is(ref reader, JsonTokenType.String).GetString()!;
                Expect(ref reader, JsonTokenType.String);
                var value = reader.GetString()!;
                Expect(ref reader, JsonTokenType.EndArray);
                claims.Add(new SessionClaim(type, value));
            }

            End(ref reader);
            return [.. claims];
        }
        catch (JsonException e)
        {
            throw new FormatException("the claims are not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>Claims from their JSON text; empty input is no claims.</summary>
    /// <param name="json">The stored text.</param>
    /// <exception cref="FormatException">The text is not a claims array.</exception>
    public static SessionClaim[] ReadClaims(string? json) => string.IsNullOrEmpty(json) ? [] : ReadClaims(Encoding.UTF8.GetBytes(json));

    /// <summary>A map of strings from its JSON (UTF-8); empty input is an empty map.</summary>
    /// <param name="utf8">The stored text.</param>
    /// <exception cref="FormatException">The text is not an object of strings.</exception>
    public static IReadOnlyDictionary<string, string> ReadMap(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return FrozenDictionary<string, string>.Empty;
        }

        try
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var reader = new Utf8JsonReader(utf8);
            Expect(ref reader, JsonTokenType.StartObject);
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                Is(ref reader, JsonTokenType.PropertyName);
                var key = reader.GetString()!;
                Expect(ref reader, JsonTokenType.String);
                map[key] = reader.GetString()!;
            }

            End(ref reader);
            return map.Count == 0 ? FrozenDictionary<string, string>.Empty : map;
        }
        catch (JsonException e)
        {
            throw new FormatException("the map is not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>A map of strings from its JSON text; empty input is an empty map.</summary>
    /// <param name="json">The stored text.</param>
    /// <exception cref="FormatException">The text is not an object of strings.</exception>
    public static IReadOnlyDictionary<string, string> ReadMap(string? json) => string.IsNullOrEmpty(json) ? FrozenDictionary<string, string>.Empty : ReadMap(Encoding.UTF8.GetBytes(json));

    // --- API keys (issue #14): scopes ------------------------------------------------------------------------

    /// <summary>Scopes as a JSON array of strings (<c>[]</c> for none: a session limited to nothing).</summary>
    /// <param name="scopes">The scopes.</param>
    public static string WriteStrings(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var scope in scopes)
            {
                writer.WriteStringValue(scope);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Scopes from their JSON array; every one must be a valid scope (<see cref="SessionScopes.IsValid"/>), at most <see cref="SessionScopes.MaxCount"/>.</summary>
    /// <param name="json">The stored text.</param>
    /// <exception cref="FormatException">The text is not an array of valid scopes.</exception>
    public static IReadOnlyList<string> ReadScopes(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var scopes = new List<string>();
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            Expect(ref reader, JsonTokenType.StartArray);
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                Is(ref reader, JsonTokenType.String);
                var scope = reader.GetString()!;
                if (!SessionScopes.IsValid(scope) || scopes.Count == SessionScopes.MaxCount)
                {
                    throw new FormatException("the scopes hold an invalid scope or too many");
                }

                scopes.Add(scope);
            }

            End(ref reader);
            return [.. scopes];
        }
        catch (JsonException e)
        {
            throw new FormatException("the scopes are not valid JSON: " + e.Message, e);
        }
    }

    // --- Device-bound sessions (issue #26): the bound key -----------------------------------------------------

    /// <summary>
    /// A device key as one JSON array, <c>[alg, thumbprint, bound at, credential expires at (Unix ms), jwk]</c>, the canonical JWK written as the
    /// object it is (not as an escaped string), so it reads back byte for byte.
    /// </summary>
    /// <param name="key">The key.</param>
    public static string WriteDeviceKey(SessionDeviceKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(key.Algorithm);
            writer.WriteStringValue(key.Thumbprint);
            writer.WriteNumberValue(key.BoundAt.ToUnixTimeMilliseconds());
            writer.WriteNumberValue(key.CredentialExpiresAt == DateTimeOffset.MaxValue ? -1 : key.CredentialExpiresAt.ToUnixTimeMilliseconds());
            writer.WriteRawValue(key.Jwk, skipInputValidation: false);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A device key from <see cref="WriteDeviceKey"/>'s form; <see langword="null"/> for the empty string (none).</summary>
    /// <param name="json">The stored text.</param>
    /// <exception cref="FormatException">The text is not a device key of that form.</exception>
    public static SessionDeviceKey? ReadDeviceKey(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var utf8 = Encoding.UTF8.GetBytes(json);
            var reader = new Utf8JsonReader(utf8);
            Expect(ref reader, JsonTokenType.StartArray);
            Expect(ref reader, JsonTokenType.String);
            var alg = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String);
            var thumbprint = reader.GetString()!;
            Expect(ref reader, JsonTokenType.Number);
            var boundAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64());
            Expect(ref reader, JsonTokenType.Number);
            var credentialExpiresAt = reader.GetInt64() is var millis && millis == -1 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(millis);
            Expect(ref reader, JsonTokenType.StartObject);
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var jwk = Encoding.UTF8.GetString(utf8, start, (int)reader.BytesConsumed - start);
            Expect(ref reader, JsonTokenType.EndArray);
            End(ref reader);
            return alg.Length == 0 || thumbprint.Length == 0
                ? throw new FormatException("the device key has an empty algorithm or thumbprint")
                : new SessionDeviceKey { Algorithm = alg, Thumbprint = thumbprint, BoundAt = boundAt, CredentialExpiresAt = credentialExpiresAt, Jwk = jwk };
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException)
        {
            throw new FormatException("the device key is not valid JSON of the expected shape: " + e.Message, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("the JSON ends early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Next(ref reader);
        Is(ref reader, type);
    }

    private static ref Utf8JsonReader Is(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the JSON has {reader.TokenType} where {type} belongs"));
        }

        return ref reader;
    }

    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new FormatException("the JSON goes on after its end");
        }
    }
}
