namespace AspNetSessions.DeviceBound;

/// <summary>Why a DBSC proof was refused: logged (never the proof itself), and every one is a 4xx, never a 500.</summary>
internal enum DeviceProofRefusal
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>No proof was sent.</summary>
    Missing,

    /// <summary>Longer than <see cref="DeviceBoundProof.MaxLength"/> characters.</summary>
    TooLarge,

    /// <summary>Not a JWS compact serialization of JSON objects of the expected shape.</summary>
    Malformed,

    /// <summary>The header's <c>typ</c> is not <c>dbsc+jwt</c>.</summary>
    WrongType,

    /// <summary>The header's <c>alg</c> is not on the allow-list (ES256, RS256): <c>none</c>, HMAC and the rest.</summary>
    AlgorithmNotAllowed,

    /// <summary>A registration proof without a <c>jwk</c>.</summary>
    KeyMissing,

    /// <summary>A refresh proof carrying a <c>jwk</c>: it must be signed by the stored key, never name its own.</summary>
    KeyAtRefresh,

    /// <summary>The <c>jwk</c> carries private key members.</summary>
    KeyNotPublic,

    /// <summary>The <c>jwk</c> is not a key of the algorithm (P-256 for ES256, RSA 2048–4096 bits for RS256), or not a valid one.</summary>
    KeyNotSupported,

    /// <summary>The signature does not verify with the key.</summary>
    BadSignature,

    /// <summary>The <c>jti</c> is not the session's outstanding challenge: never issued, or consumed already (a replay).</summary>
    ChallengeNotIssued,

    /// <summary>The <c>jti</c> is the outstanding challenge, but it has expired.</summary>
    ChallengeExpired,

    /// <summary>The <c>authorization</c> the registration offer asked for is not echoed.</summary>
    AuthorizationMismatch,

    /// <summary>A registration for a session that is bound already (a stolen cookie must not re-bind it).</summary>
    AlreadyBound,
}
