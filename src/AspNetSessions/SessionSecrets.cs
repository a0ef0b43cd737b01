using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AspNetSessions.Stores;
using Microsoft.AspNetCore.DataProtection;

namespace AspNetSessions;

/// <summary>
/// The one home of "nothing usable at rest": what a session carries that must not be readable in a store dump is
/// encrypted with ASP.NET Core Data Protection before the session reaches any store, and decrypted after it comes back,
/// so every store (memory, Redis, EF Core, a third party's) holds ciphertext without code of its own.
/// </summary>
/// <remarks>
/// <para>
/// What is encrypted: every <see cref="Session.AuthenticationItems"/> (saved tokens, <c>.persistent</c>, the app's own
/// items) as one value under <see cref="ItemsKey"/>, so the item names are hidden too and a request decrypts once;
/// and the value of every claim whose type is in <see cref="SessionAuthenticationOptions.SecretClaimTypes"/> and of every
/// data entry whose key is in <see cref="SessionAuthenticationOptions.SecretDataKeys"/>, in place (their type or key
/// stays readable, their position is kept). Each protector's purposes are this class, the session kind and the field,
/// and the plaintext starts with the session id and the claim type or data key: ciphertext moved to another session,
/// kind, field, claim or key does not decrypt.
/// </para>
/// <para>
/// A stored value is encrypted exactly when it starts with <see cref="Marker"/>. Writing encrypts any value that starts
/// with it, marked secret or not, so a plaintext value can never be mistaken for ciphertext; a value without it is read
/// as written (a session stored before encryption, or a claim that is not marked). A marked value that does not decrypt
/// (another key ring, a revoked key, tampered bytes) makes the whole record unreadable, and the manager refuses it as a
/// damaged record.
/// </para>
/// </remarks>
internal sealed class SessionSecrets
{
    /// <summary>The prefix of every encrypted value as stored.</summary>
    internal const string Marker = "enc:dp1:";

    /// <summary>The one authentication item a store holds: every item of the sign-in, encrypted together.</summary>
    internal const string ItemsKey = ".encrypted";

    private const string Purpose = "AspNetSessions.SessionSecrets.v1";

    private readonly IDataProtector _items;
    private readonly IDataProtector _claims;
    private readonly IDataProtector _data;
    private readonly HashSet<string> _secretClaimTypes;
    private readonly HashSet<string> _secretDataKeys;

    public SessionSecrets(IDataProtectionProvider provider, string kind, IEnumerable<string>? secretClaimTypes, IEnumerable<string>? secretDataKeys)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _items = provider.CreateProtector(Purpose, kind, nameof(Session.AuthenticationItems));
        _claims = provider.CreateProtector(Purpose, kind, nameof(Session.Claims));
        _data = provider.CreateProtector(Purpose, kind, nameof(Session.Data));
        _secretClaimTypes = new HashSet<string>(secretClaimTypes ?? [], StringComparer.Ordinal);
        _secretDataKeys = new HashSet<string>(secretDataKeys ?? [], StringComparer.Ordinal);
    }

    /// <summary>The session as a store may keep it: its secrets encrypted.</summary>
    public Session Protect(Session session) => session with
    {
        Claims = ProtectClaims(session.Id, session.Claims),
        Data = ProtectData(session.Id, session.Data),
        AuthenticationItems = ProtectItems(session.Id, session.AuthenticationItems),
    };

    /// <summary>A patch as a store may apply it: the claims, data and items it replaces, encrypted.</summary>
    public SessionPatch Protect(string sessionId, SessionPatch patch) => patch.Claims is null && patch.Data is null && patch.AuthenticationItems is null
        ? patch
        : patch with
        {
            Claims = patch.Claims is { } claims ? ProtectClaims(sessionId, claims) : null,
            Data = patch.Data is { } data ? ProtectData(sessionId, data) : null,
            AuthenticationItems = patch.AuthenticationItems is { } items ? ProtectItems(sessionId, items) : null,
        };

    /// <summary>
    /// The session as apps see it, its secrets decrypted; <see langword="false"/> when one does not decrypt. A session
    /// with nothing encrypted (most) comes back as it is, without allocating.
    /// </summary>
    public bool TryUnprotect(Session stored, out Session session)
    {
        session = stored;
        var claims = stored.Claims;
        var data = stored.Data;
        var items = stored.AuthenticationItems;
        var claimsEncrypted = AnyEncrypted(claims);
        var dataEncrypted = AnyEncrypted(data.Values);
        var itemsEncrypted = items.Count != 0 && items.ContainsKey(ItemsKey);
        if (!claimsEncrypted && !dataEncrypted && !itemsEncrypted)
        {
            return true;
        }

        try
        {
            session = stored with
            {
                Claims = claimsEncrypted ? UnprotectClaims(stored.Id, claims) : claims,
                Data = dataEncrypted ? UnprotectData(stored.Id, data) : data,
                AuthenticationItems = itemsEncrypted ? UnprotectItems(stored.Id, items) : items,
            };
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            session = stored;
            return false;
        }
    }

    private IReadOnlyList<SessionClaim> ProtectClaims(string sessionId, IReadOnlyList<SessionClaim> claims)
    {
        SessionClaim[]? protectedClaims = null;
        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i];
            if (_secretClaimTypes.Contains(claim.Type) || IsEncrypted(claim.Value))
            {
                protectedClaims ??= [.. claims];
                protectedClaims[i] = claim with { Value = Encrypt(_claims, sessionId, claim.Type, claim.Value) };
            }
        }

        return protectedClaims ?? claims;
    }

    private IReadOnlyDictionary<string, string> ProtectData(string sessionId, IReadOnlyDictionary<string, string> data)
    {
        foreach (var (key, value) in data)
        {
            if (_secretDataKeys.Contains(key) || IsEncrypted(value))
            {
                return SessionMaps.Freeze(data.Select(entry => _secretDataKeys.Contains(entry.Key) || IsEncrypted(entry.Value)
                    ? KeyValuePair.Create(entry.Key, Encrypt(_data, sessionId, entry.Key, entry.Value))
                    : entry));
            }
        }

        return data;
    }

    private IReadOnlyDictionary<string, string> ProtectItems(string sessionId, IReadOnlyDictionary<string, string> items) =>
        items.Count == 0
            ? items
            : SessionMaps.Freeze([KeyValuePair.Create(ItemsKey, Encrypt(_items, sessionId, ItemsKey, SessionJson.WriteMap(items)))]);

    private SessionClaim[] UnprotectClaims(string sessionId, IReadOnlyList<SessionClaim> claims)
    {
        var plain = new SessionClaim[claims.Count];
        for (var i = 0; i < plain.Length; i++)
        {
            var claim = claims[i];
            plain[i] = IsEncrypted(claim.Value) ? claim with { Value = Decrypt(_claims, sessionId, claim.Type, claim.Value) } : claim;
        }

        return plain;
    }

    private IReadOnlyDictionary<string, string> UnprotectData(string sessionId, IReadOnlyDictionary<string, string> data) =>
        SessionMaps.Freeze(data.Select(entry => IsEncrypted(entry.Value)
            ? KeyValuePair.Create(entry.Key, Decrypt(_data, sessionId, entry.Key, entry.Value))
            : entry));

    private IReadOnlyDictionary<string, string> UnprotectItems(string sessionId, IReadOnlyDictionary<string, string> items)
    {
        // Nothing but the one encrypted value is written; anything beside it was put there by someone else.
        if (items.Count != 1 || !IsEncrypted(items[ItemsKey]))
        {
            throw new FormatException("the authentication items hold more than their encrypted value");
        }

        return SessionJson.ReadMap(Decrypt(_items, sessionId, ItemsKey, items[ItemsKey]));
    }

    private static bool AnyEncrypted(IReadOnlyList<SessionClaim> claims)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            if (IsEncrypted(claims[i].Value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyEncrypted(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            if (IsEncrypted(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEncrypted(string value) => value.StartsWith(Marker, StringComparison.Ordinal);

    /// <summary>The stored form of a value: the marker and, base64url, the protected session id, name and value.</summary>
    private static string Encrypt(IDataProtector protector, string sessionId, string name, string value) =>
        Marker + Base64Url.EncodeToString(protector.Protect(Encoding.UTF8.GetBytes(Bound(sessionId, name) + value)));

    /// <summary>A value from its stored form; a <see cref="FormatException"/> when it was bound to another session or name.</summary>
    private static string Decrypt(IDataProtector protector, string sessionId, string name, string stored)
    {
        var plain = Encoding.UTF8.GetString(protector.Unprotect(Base64Url.DecodeFromChars(stored.AsSpan(Marker.Length))));
        var bound = Bound(sessionId, name);
        return plain.StartsWith(bound, StringComparison.Ordinal)
            ? plain[bound.Length..]
            : throw new FormatException("an encrypted value belongs to another session or name");
    }

    private static string Bound(string sessionId, string name) => sessionId + "\0" + name + "\0";
}
