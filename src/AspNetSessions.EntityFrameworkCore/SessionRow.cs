namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// One row of a session table. Every table of the model has this shape (one shared-type entity per table); promoted
/// metadata fields are shadow properties beside these. Instants are UTC <see cref="DateTime"/>s, which every provider
/// stores as an instant and compares in SQL (SQLite keeps them as sortable text); <see cref="DateTime.MaxValue"/> is "never".
/// </summary>
internal sealed class SessionRow
{
    public string Kind { get; set; } = "";

    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";

    /// <summary>SHA-256 or HMAC-SHA256 of id ‖ secret; compared in constant time in the app, never in SQL.</summary>
    public byte[] Digest { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime LastSeenAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? AbsoluteExpiresAt { get; set; }

    /// <summary>JSON array of [type, value] pairs.</summary>
    public string Claims { get; set; } = "[]";

    /// <summary>JSON object of strings.</summary>
    public string Data { get; set; } = "{}";

    /// <summary>JSON object of strings.</summary>
    public string Metadata { get; set; } = "{}";

    /// <summary>When the user last authenticated (UTC): step-up freshness.</summary>
    public DateTime AuthenticatedAt { get; set; }

    /// <summary>The authentication properties items, a JSON object of strings; null: none.</summary>
    public string? AuthenticationItems { get; set; }

    /// <summary>The session's name, or null.</summary>
    public string? Name { get; set; }

    /// <summary>JSON array of scopes; null for an unrestricted session.</summary>
    public string? Scopes { get; set; }

    /// <summary>The bound device key (DBSC), <c>SessionJson.WriteDeviceKey</c>'s array; null: not bound.</summary>
    public string? DeviceKey { get; set; }

    /// <summary>The outstanding DBSC challenge; null: none. A patch may expect it (compare-and-swap through <see cref="Version"/>).</summary>
    public string? DeviceChallenge { get; set; }

    /// <summary>The digest a DBSC registration or refresh replaced, accepted until <see cref="PreviousDigestAcceptedUntil"/>; null: none.</summary>
    public byte[]? PreviousDigest { get; set; }

    /// <summary>The grace end of <see cref="PreviousDigest"/> (UTC); null with it.</summary>
    public DateTime? PreviousDigestAcceptedUntil { get; set; }

    /// <summary>Bumped by every change except a touch (a slide), so that patches compare-and-swap on it.</summary>
    public long Version { get; set; }
}
