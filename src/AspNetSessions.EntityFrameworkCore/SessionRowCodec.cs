using System.Diagnostics.CodeAnalysis;
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
        var (previousDigest, previousDigestAcceptedUntil) = PreviousDigestColumns(record.PreviousDigest);
        return new SessionRow
        {
            Kind = s.Kind,
            Id = s.Id,
            UserId = s.UserId,
            Digest = record.Digest,
            CreatedAt = ToColumn(s.CreatedAt),
            LastSeenAt = ToColumn(s.LastSeenAt),
            ExpiresAt = ToColumn(s.ExpiresAt),
            AbsoluteExpiresAt = s.AbsoluteExpiresAt is { } a ? ToColumn(a) : null,
            Claims = SessionJson.WriteClaims(s.Claims),
            Data = SessionJson.WriteMap(s.Data),
            Metadata = SessionJson.WriteMap(s.Metadata),
            AuthenticatedAt = ToColumn(s.AuthenticatedAt),
            AuthenticationItems = ItemsColumn(s.AuthenticationItems),
            Name = s.Name,
            Scopes = s.Scopes is { } scopes ? SessionJson.WriteStrings(scopes) : null,
            DeviceKey = DeviceKeyColumn(s.DeviceKey),
            DeviceChallenge = s.DeviceChallenge,
            PreviousDigest = previousDigest,
            PreviousDigestAcceptedUntil = previousDigestAcceptedUntil,
            Version = version,
        };
    }

    /// <summary>The previous digest columns: both null when there is none.</summary>
    public static (byte[]? Digest, DateTime? AcceptedUntil) PreviousDigestColumns(SessionPreviousDigest? previous) =>
        previous is null ? (null, null) : (previous.Digest, ToColumn(previous.AcceptedUntil));

    public static DateTime ToColumn(DateTimeOffset instant) => instant.UtcDateTime;

    /// <summary>The authentication properties items column: null when there are none.</summary>
    public static string? ItemsColumn(IReadOnlyDictionary<string, string> items) => items.Count == 0 ? null : SessionJson.WriteMap(items);

    /// <summary>The device key column: null when the session is not bound.</summary>
    public static string? DeviceKeyColumn(SessionDeviceKey? key) => key is null ? null : SessionJson.WriteDeviceKey(key);

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

        if ((row.PreviousDigest is null) != (row.PreviousDigestAcceptedUntil is null) || row.PreviousDigest is { Length: not 32 })
        {
            problem = "previous digest is not 32 bytes with a grace end";
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
                Claims = SessionJson.ReadClaims(row.Claims),
                Data = SessionJson.ReadMap(row.Data),
                Metadata = SessionJson.ReadMap(row.Metadata),
                AuthenticatedAt = FromColumn(row.AuthenticatedAt),
                AuthenticationItems = SessionJson.ReadMap(row.AuthenticationItems),
                Name = row.Name is { Length: > 0 } name ? name : null,
                Scopes = row.Scopes is { } scopes ? SessionJson.ReadScopes(scopes) : null,
                DeviceKey = SessionJson.ReadDeviceKey(row.DeviceKey),
                DeviceChallenge = row.DeviceChallenge is { Length: > 0 } challenge ? challenge : null,
            };
            record = new SessionRecord(session, row.Digest)
            {
                PreviousDigest = row.PreviousDigest is { } previous ? new SessionPreviousDigest(previous, FromColumn(row.PreviousDigestAcceptedUntil!.Value)) : null,
            };
            problem = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
            problem = "claims, data, metadata, authentication items, scopes or the device key are not valid JSON of the expected shape";
            return false;
        }
    }
}
