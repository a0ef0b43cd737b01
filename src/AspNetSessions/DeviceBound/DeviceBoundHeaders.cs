using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// The DBSC header names (W3C WebAppSec DBSC, as Chrome sends and reads them) and their formats. Inbound, the legacy
/// <c>Sec-Session-*</c> spellings of earlier Chrome versions are accepted too.
/// </summary>
internal static class DeviceBoundHeaders
{
    public const string Registration = "Secure-Session-Registration";
    public const string Challenge = "Secure-Session-Challenge";
    public const string Response = "Secure-Session-Response";
    public const string SessionId = "Sec-Secure-Session-Id";
    public const string LegacyResponse = "Sec-Session-Response";
    public const string LegacySessionId = "Sec-Session-Id";

    /// <summary>The registration offer: <c>(ES256 RS256);path="…";challenge="…"</c>.</summary>
    public static string RegistrationOffer(string path, string challenge) =>
        "(" + string.Join(' ', DeviceBoundKey.Algorithms) + ");path=" + Quoted(path) + ";challenge=" + Quoted(challenge);

    /// <summary>A challenge for the next refresh of a session: <c>"…";id="…"</c>.</summary>
    public static string ChallengeFor(string challenge, string sessionId) => Quoted(challenge) + ";id=" + Quoted(sessionId);

    /// <summary>The proof a request carries (one value; none, or several, read as none).</summary>
    public static string? ProofOf(HttpRequest request) => Single(request.Headers[Response]) ?? Single(request.Headers[LegacyResponse]);

    /// <summary>The session a refresh names, unquoted (a structured-field string or a bare token).</summary>
    public static string? SessionIdOf(HttpRequest request) =>
        (Single(request.Headers[SessionId]) ?? Single(request.Headers[LegacySessionId]))?.Trim().Trim('"');

    private static string? Single(StringValues values) => values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    // Paths and challenges hold no '"' or '\' (challenges are base64url and digits; paths are escaped by PathString).
    private static string Quoted(string value) => "\"" + value + "\"";
}
