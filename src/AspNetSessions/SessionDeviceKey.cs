namespace AspNetSessions;

/// <summary>
/// The public key a device-bound session is bound to (DBSC registration): only proofs signed by its private key, which
/// the device keeps, refresh the session's cookie credential. Public: it is safe to store and to show.
/// </summary>
public sealed record SessionDeviceKey
{
    /// <summary>
    /// The public JSON Web Key in its RFC 7638 canonical form: only the members that define the key, in lexicographic
    /// order, no whitespace (<c>{"crv":"P-256","kty":"EC","x":"…","y":"…"}</c> or <c>{"e":"…","kty":"RSA","n":"…"}</c>).
    /// </summary>
    public required string Jwk { get; init; }

    /// <summary>The JWS algorithm the device signs with: <c>ES256</c> or <c>RS256</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The RFC 7638 thumbprint of <see cref="Jwk"/>: base64url of its SHA-256.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>When the session was bound to the key.</summary>
    public required DateTimeOffset BoundAt { get; init; }

    /// <summary>
    /// When the session's current cookie credential (its token since the registration or the last refresh) stops
    /// authenticating; only a refresh signed by the key issues the next. <see cref="DateTimeOffset.MaxValue"/>: no limit.
    /// </summary>
    public DateTimeOffset CredentialExpiresAt { get; init; } = DateTimeOffset.MaxValue;
}
