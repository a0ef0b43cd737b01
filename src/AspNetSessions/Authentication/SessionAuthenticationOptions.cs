using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Options of one session kind and its authentication scheme. Bound from the <c>SessionAuth</c> configuration
/// section (the default kind) or from <c>SessionAuth:Kinds:{Scheme}</c> (further kinds), and validated at startup.
/// </summary>
public sealed class SessionAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with their secure defaults.</summary>
    public SessionAuthenticationOptions()
    {
        Events = new SessionAuthenticationEvents();
    }

    /// <summary>The store namespace of this kind: letters, digits, '-' or '_', at most 32. Defaults to the scheme name.</summary>
    public string? Kind { get; set; }

    /// <summary>The token prefix (1–16 lowercase letters or digits, starting with a letter), unique per kind. Default <c>sess</c>.</summary>
    public string TokenPrefix { get; set; } = SessionAuthenticationDefaults.TokenPrefix;

    /// <summary>
    /// How long a session lives without being used; every authenticated request moves expiry to now + this.
    /// <see langword="null"/> (an empty configuration value) switches idle expiry off. Default 30 minutes.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The longest a session can live from its creation, however often it is used.
    /// <see langword="null"/> (an empty configuration value) switches it off. Default 7 days.
    /// </summary>
    public TimeSpan? AbsoluteTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Write throttle for sliding: a request writes its new expiry only when at least this much time has passed since
    /// the session's last write, so observed expiry is within this of "last request + IdleTimeout". Default: a tenth of
    /// <see cref="IdleTimeout"/>, at most one minute. Must not exceed half of <see cref="IdleTimeout"/>.
    /// </summary>
    public TimeSpan? SlidingGranularity { get; set; }

    /// <summary>
    /// Where the handler looks for a token, in order; the first source that has one decides.
    /// <see langword="null"/> (the default) means the bearer header, then the cookie.
    /// </summary>
    public SessionTokenSource[]? TokenSources { get; set; }

    /// <summary>
    /// The session cookie: by default <c>__Host-session</c>, HttpOnly, Secure, SameSite=Lax, essential. Its path, unless
    /// set, is the app's <c>PathBase</c> (as cookie authentication's), and always <c>/</c> for a <c>__Host-</c> name.
    /// A non-persistent sign-in sets a browser-session cookie; a persistent one lasts until the absolute expiry (or, for
    /// a kind without one, until the sliding expiry, written again as the session slides). <c>Expiration</c> is refused.
    /// </summary>
    public CookieBuilder Cookie { get; set; } = new SessionCookieBuilder
    {
        Name = SessionAuthenticationDefaults.CookieName,
        HttpOnly = true,
        SecurePolicy = CookieSecurePolicy.Always,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
    };

    /// <summary>
    /// Base64 server keys (at least 32 bytes each) for HMAC-SHA256 digests, newest first. The first signs new
    /// sessions; the others still validate sessions created under them, until removed. Empty: plain SHA-256.
    /// </summary>
    public string[] HashingKeys { get; set; } = [];

    /// <summary>
    /// Refuse cookie-authenticated unsafe requests (POST, PUT, PATCH, DELETE, …) that a browser marks as cross-site
    /// (<c>Sec-Fetch-Site: cross-site</c>) or whose <c>Origin</c> differs from the request's host, and cookie sign-ins and
    /// sign-outs sent that way (403, nothing changed; a remote handler's callback excepted). Default on.
    /// </summary>
    public bool RejectCrossSiteCookieRequests { get; set; } = true;

    /// <summary>
    /// Where a browser navigation that needs a session is sent when it has none (as <c>AddCookie()</c>'s
    /// <c>LoginPath</c>), with the page it wanted in <see cref="ReturnUrlParameter"/>. API requests (a bearer header,
    /// <c>fetch</c>/XHR, a non-HTML <c>Accept</c>) keep getting 401 with their <c>WWW-Authenticate</c> challenge.
    /// Empty (the default): no redirects, every challenge is a 401.
    /// </summary>
    public PathString LoginPath { get; set; }

    /// <summary>Where a browser navigation that is forbidden (403) is sent, like <see cref="LoginPath"/>. Empty (the default): a plain 403.</summary>
    public PathString AccessDeniedPath { get; set; }

    /// <summary>The query parameter of <see cref="LoginPath"/> and <see cref="AccessDeniedPath"/> that carries the page to return to. Default <c>ReturnUrl</c>.</summary>
    public string ReturnUrlParameter { get; set; } = "ReturnUrl";

    /// <summary>Record the user agent and IP address of the signing-in request as session metadata. Default on.</summary>
    public bool CaptureRequestMetadata { get; set; } = true;

    // --- API keys (issue #14) ---------------------------------------------------------------------------------

    /// <summary>
    /// The scopes sessions of this kind can be granted (RFC 6749 §3.3 scope-tokens). Declaring any makes every session
    /// of the kind limited to the scopes it is created with — none requested, none granted — and refuses undeclared
    /// ones; empty (the default) leaves sessions created without scopes unrestricted. See <see cref="SessionScopes"/>.
    /// </summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>
    /// The most valid sessions of this kind one user can hold (1-1000). Creating one more revokes the user's oldest,
    /// atomically in the store, so concurrent sign-ins never leave more than this and one account cannot fill the store.
    /// Default <see cref="SessionAuthenticationDefaults.MaxSessionsPerUser"/> (100) for every kind, API keys included
    /// (a kind of keys usually sets fewer); <c>0</c> switches the limit off, explicitly.
    /// </summary>
    public int MaxSessionsPerUser { get; set; } = SessionAuthenticationDefaults.MaxSessionsPerUser;

    // --- Nothing usable at rest (issue #22) -------------------------------------------------------------------

    /// <summary>
    /// Claim types whose values are secrets: they are encrypted with ASP.NET Core Data Protection before a session reaches
    /// the store (so a store dump does not show them) and come back decrypted, in the principal and in
    /// <see cref="Session.Claims"/>. The type stays readable. Saved tokens and every other
    /// <see cref="Session.AuthenticationItems"/> are always encrypted, without being listed. Empty by default.
    /// </summary>
    public string[] SecretClaimTypes { get; set; } = [];

    /// <summary>
    /// Keys of <see cref="Session.Data"/> whose values are secrets, encrypted at rest like <see cref="SecretClaimTypes"/>;
    /// the key stays readable. Empty by default.
    /// </summary>
    public string[] SecretDataKeys { get; set; } = [];

    // --- Device-bound sessions (issue #26) -------------------------------------------------------------------

    /// <summary>Device Bound Session Credentials (DBSC) for this cookie kind; off by default. See <see cref="DeviceBoundSessionOptions"/>.</summary>
    public DeviceBoundSessionOptions DeviceBound { get; set; } = new();

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>The events of this scheme; see <see cref="SessionAuthenticationEvents"/>.</summary>
    public new SessionAuthenticationEvents Events
    {
        get => (SessionAuthenticationEvents)base.Events!;
        set => base.Events = value;
    }
}
