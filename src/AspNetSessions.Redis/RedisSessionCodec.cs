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
        // '' reads back as the creation: written for it (a sign-in's session: 9 bytes saved) and for an instant before
        // 1970 (a session no manager made), which Unix milliseconds cannot say.
        destination[(int)RedisSessionField.AuthenticatedAt] = s.AuthenticatedAt >= DateTimeOffset.UnixEpoch && s.AuthenticatedAt != s.CreatedAt ? Millis(s.AuthenticatedAt) : RedisValue.EmptyString;
        destination[(int)RedisSessionField.AuthenticationItems] = Map(s.AuthenticationItems);
        destination[(int)RedisSessionField.Name] = s.Name ?? string.Empty;
        destination[(int)RedisSessionField.Scopes] = s.Scopes is { } scopes ? SessionJson.WriteStrings(scopes) : string.Empty;
        destination[(int)RedisSessionField.DeviceKey] = DeviceKey(s.DeviceKey);
        destination[(int)RedisSessionField.DeviceChallenge] = s.DeviceChallenge ?? string.Empty;
        destination[(int)RedisSessionField.PreviousDigest] = PreviousDigest(record.PreviousDigest);
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
        for (var i = 0; i < RedisSessionFields.Count; i++)
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
                Claims = SessionJson.ReadClaims(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Claims]).Span),
                Data = SessionJson.ReadMap(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Data]).Span),
                Metadata = SessionJson.ReadMap(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.Metadata]).Span),
                Name = (string?)f[(int)RedisSessionField.Name] is { Length: > 0 } name ? name : null,
                Scopes = (string?)f[(int)RedisSessionField.Scopes] is { Length: > 0 } scopes ? SessionJson.ReadScopes(scopes) : null,
                DeviceKey = SessionJson.ReadDeviceKey((string?)f[(int)RedisSessionField.DeviceKey]),
                DeviceChallenge = (string?)f[(int)RedisSessionField.DeviceChallenge] is { Length: > 0 } challenge ? challenge : null,
            };
            session = session with
            {
                AuthenticatedAt = ((RedisValue)f[(int)RedisSessionField.AuthenticatedAt]).IsNullOrEmpty ? session.CreatedAt : Instant(f, RedisSessionField.AuthenticatedAt),
                AuthenticationItems = SessionJson.ReadMap(((ReadOnlyMemory<byte>)(RedisValue)f[(int)RedisSessionField.AuthenticationItems]).Span),
            };
            record = new SessionRecord(session, digest) { PreviousDigest = ReadPreviousDigest((byte[]?)f[(int)RedisSessionField.PreviousDigest]) };
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
            damage = e.Message;
            return false;
        }
    }

    public static long Millis(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    /// <summary>Claims as stored in their hash field: '' when there are none, else <see cref="SessionJson.WriteClaims"/> with numbered types.</summary>
    public static string Claims(IReadOnlyList<SessionClaim> claims) => claims.Count == 0 ? string.Empty : SessionJson.WriteClaims(claims, numberedTypes: true);

    /// <summary>Data or metadata as stored in their hash field: '' when empty, else <see cref="SessionJson.WriteMap"/>.</summary>
    public static string Map(IReadOnlyDictionary<string, string> map) => map.Count == 0 ? string.Empty : SessionJson.WriteMap(map);

    /// <summary>A device key as stored in its hash field: '' for none, else <see cref="SessionJson.WriteDeviceKey"/>.</summary>
    public static string DeviceKey(SessionDeviceKey? key) => key is null ? string.Empty : SessionJson.WriteDeviceKey(key);

    /// <summary>
    /// The previous digest as stored in its hash field: '' for none, else the grace end in Unix milliseconds, a space and
    /// the digest bytes (the scripts' <c>Match</c> splits it at the first space; the <c>Update</c> script writes it the same way).
    /// </summary>
    public static RedisValue PreviousDigest(SessionPreviousDigest? previous)
    {
        if (previous is null)
        {
            return RedisValue.EmptyString;
        }

        var until = System.Text.Encoding.ASCII.GetBytes(Millis(previous.AcceptedUntil).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ");
        return (byte[])[.. until, .. previous.Digest];
    }

    private static SessionPreviousDigest? ReadPreviousDigest(byte[]? value)
    {
        if (value is not { Length: > 0 })
        {
            return null;
        }

        var space = Array.IndexOf(value, (byte)' ');
        if (space <= 0 || !long.TryParse(value.AsSpan(0, space), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var millis)
            || value.Length - space - 1 is not > 0)
        {
            throw new FormatException($"field '{RedisSessionFields.Name(RedisSessionField.PreviousDigest)}' is not a grace end and a digest");
        }

        return new SessionPreviousDigest(value[(space + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(millis, RedisSessionScripts.Never)));
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
}
