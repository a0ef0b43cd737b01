using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace AspNetSessions;

/// <summary>
/// Which <see cref="AuthenticationProperties.Items"/> of a sign-in are kept with the session, and how they come back.
/// Kept: everything the sign-in carries — saved tokens (<c>.Token.*</c>, from <c>StoreTokens</c> or a remote handler's
/// <c>SaveTokens</c>), <c>.persistent</c> (so the session's cookie stays a browser-session cookie when it was one) and the
/// app's own items. Not kept, because the session itself is their source of truth: <c>.issued</c> (the session's creation),
/// <c>.expires</c> (its expiry), <c>.refresh</c> (sliding is the kind's <c>IdleTimeout</c>) and <c>.redirect</c> (used once,
/// at sign-in). Items live on the server only; the cookie carries nothing but the opaque token.
/// </summary>
public static class SessionAuthenticationItems
{
    /// <summary>
    /// The most the kept items may take, keys and values in UTF-8: 32 KiB, room for an ID token, an access token and a
    /// refresh token of any common identity provider. A sign-in beyond it fails with an <see cref="ArgumentException"/>
    /// naming the size, rather than storing a truncated record.
    /// </summary>
    public const int MaxBytes = 32 * 1024;

    /// <summary>The item <c>AuthenticationProperties.IsPersistent</c> is kept as.</summary>
    internal const string PersistentKey = ".persistent";

    private const string IssuedKey = ".issued";
    private const string ExpiresKey = ".expires";
    private const string RefreshKey = ".refresh";
    private const string RedirectKey = ".redirect";

    /// <summary>Whether an item of this key is kept with the session.</summary>
    /// <param name="key">The item's key.</param>
    public static bool IsKept(string key) => key is not (IssuedKey or ExpiresKey or RefreshKey or RedirectKey);

    /// <summary>The items of a sign-in's properties that are kept (<see cref="IsKept"/>), or <see langword="null"/> for none.</summary>
    internal static Dictionary<string, string>? Select(AuthenticationProperties? properties)
    {
        if (properties is null)
        {
            return null;
        }

        Dictionary<string, string>? kept = null;
        foreach (var (key, value) in properties.Items)
        {
            if (value is not null && IsKept(key))
            {
                (kept ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
            }
        }

        return kept;
    }

    /// <summary>Refuses items over <see cref="MaxBytes"/> with a message that says how large they are.</summary>
    internal static void EnsureWithinLimit(IReadOnlyDictionary<string, string>? items, string paramName)
    {
        if (items is null)
        {
            return;
        }

        long bytes = 0;
        foreach (var (key, value) in items)
        {
            bytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        if (bytes > MaxBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The authentication properties items take {bytes} bytes; a session keeps at most {MaxBytes} (SessionAuthenticationItems.MaxBytes). Save fewer or smaller tokens."), paramName);
        }
    }

    /// <summary>
    /// The properties a request authenticated by <paramref name="session"/> carries: its items, issued at its creation,
    /// expiring with it (<see cref="ToItems"/>), built only if something reads them.
    /// </summary>
    internal static AuthenticationProperties ToProperties(Session session) => new(new SessionPropertiesItems(session));

    /// <summary>The items behind <see cref="ToProperties"/>: the stored ones, <c>.issued</c> and <c>.expires</c>.</summary>
    internal static Dictionary<string, string?> ToItems(Session session)
    {
        var items = new Dictionary<string, string?>(session.AuthenticationItems.Count + 2, StringComparer.Ordinal);
        foreach (var (key, value) in session.AuthenticationItems)
        {
            items[key] = value;
        }

        // Written through AuthenticationProperties itself, so the instants have exactly its format.
        _ = new AuthenticationProperties(items)
        {
            IssuedUtc = session.CreatedAt,
            ExpiresUtc = session.ExpiresAt == DateTimeOffset.MaxValue ? null : session.ExpiresAt,
        };
        return items;
    }
}
