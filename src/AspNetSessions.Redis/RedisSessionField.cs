namespace AspNetSessions.Redis;

/// <summary>
/// The fields of a session hash, in the order the scripts return them. The one list behind the codec and the script
/// text: <see cref="RedisSessionFields"/> derives the field names and the Lua field table and index names from it, so
/// reordering or adding a field cannot leave one side behind. A value longer than <see cref="RedisSessionFields.ChunkBytes"/>
/// is kept in chunks (<c>m</c>, <c>m1</c>, …) that the scripts join, so the codec only ever sees whole values.
/// </summary>
internal enum RedisSessionField
{
    /// <summary><c>u</c>: the user id.</summary>
    UserId,

    /// <summary><c>d</c>: the digest, 32 raw bytes.</summary>
    Digest,

    /// <summary><c>c</c>: created, Unix milliseconds.</summary>
    CreatedAt,

    /// <summary><c>l</c>: last seen (stored in milliseconds after <c>c</c>: <see cref="RedisSessionFields.AfterCreation"/>).</summary>
    LastSeenAt,

    /// <summary><c>e</c>: expires (the hash's TTL and the index score; stored in milliseconds after <c>c</c>).</summary>
    ExpiresAt,

    /// <summary><c>a</c>: absolute expiry (stored in milliseconds after <c>c</c>), or '' for none.</summary>
    AbsoluteExpiresAt,

    /// <summary><c>cl</c>: claims, a JSON array of [type, value] pairs (well-known types as numbers: <c>SessionJson.NumberedClaimTypes</c>), or '' for none.</summary>
    Claims,

    /// <summary><c>da</c>: data, a JSON object of strings, or '' for none.</summary>
    Data,

    /// <summary><c>m</c>: metadata, a JSON object of strings, or '' for none.</summary>
    Metadata,

    /// <summary><c>t</c>: when the user last authenticated (stored in milliseconds after <c>c</c>), or '' for the creation (also written for an instant before 1970).</summary>
    AuthenticatedAt,

    /// <summary><c>p</c>: the authentication properties items, a JSON object of strings, or '' for none.</summary>
    AuthenticationItems,

    /// <summary><c>n</c>: the session's name, or '' for none (API keys).</summary>
    Name,

    /// <summary><c>sc</c>: the scopes, a JSON array of strings; '' for an unrestricted session (API keys).</summary>
    Scopes,

    /// <summary><c>dk</c>: the bound device key (DBSC), <c>SessionJson.WriteDeviceKey</c>'s array, or '' for none.</summary>
    DeviceKey,

    /// <summary><c>dc</c>: the outstanding DBSC challenge, or '' for none; <c>SessionPatch.IfDeviceChallenge</c> compares it.</summary>
    DeviceChallenge,

    /// <summary>
    /// <c>pd</c>: the digest a DBSC rotation replaced, accepted until its grace end (<c>SessionRecord.PreviousDigest</c>):
    /// the grace end in Unix milliseconds, a space, the 32 digest bytes (46 bytes); '' for none.
    /// </summary>
    PreviousDigest,
}
