using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AspNetSessions;

/// <summary>
/// Authenticates a request by the opaque session token in its bearer header or cookie: one store call, which also
/// slides the session's expiry. Signs in by creating a fresh session (and cookie), signs out by revoking it.
/// </summary>
internal sealed partial class SessionAuthenticationHandler(
    IOptionsMonitor<SessionAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionKindRegistry kinds,
    SessionMetrics metrics)
    : SignInAuthenticationHandler<SessionAuthenticationOptions>(options, logger, encoder)
{
    private static readonly AuthenticateResult MalformedToken = Failure(SessionFailureReason.MalformedToken, "The token is malformed.");
    private static readonly AuthenticateResult InvalidToken = Failure(SessionFailureReason.InvalidToken, "The token is unknown, revoked or expired.");
    private static readonly AuthenticateResult InvalidRequest = Failure(SessionFailureReason.InvalidRequest, "The Authorization header is ambiguous or empty.");
    private static readonly AuthenticateResult CrossSiteRequest = Failure(SessionFailureReason.CrossSiteRequest, "A cookie-authenticated unsafe request came from another site.");
    private static readonly AuthenticateResult StoreUnavailable = Failure(SessionFailureReason.StoreUnavailable, "The session store is unavailable.");

    private SessionManager _manager = null!;

    private new SessionAuthenticationEvents Events => (SessionAuthenticationEvents)base.Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new SessionAuthenticationEvents());

    protected override Task InitializeHandlerAsync()
    {
        _manager = Context.RequestServices.GetRequiredKeyedService<SessionManager>(Scheme.Name);
        return Task.CompletedTask;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var received = new SessionMessageReceivedContext(Context, Scheme, Options);
        await Events.MessageReceived(received).ConfigureAwait(false);
        if (received.Result is not null)
        {
            return received.Result;
        }

        var source = SessionTokenSource.Bearer;
        ReadOnlyMemory<char> token;
        if (received.Token is not null)
        {
            token = received.Token.AsMemory();
        }
        else
        {
            var read = ReadToken(out token, out source);
            if (read != TokenRead.Found)
            {
                return read == TokenRead.Invalid ? InvalidRequest : AuthenticateResult.NoResult();
            }
        }

        if (source == SessionTokenSource.Cookie && Options.RejectCrossSiteCookieRequests && IsCrossSiteUnsafeRequest())
        {
            Log.CrossSiteRequestRefused(Logger, Scheme.Name);
            metrics.Rejected(_manager.Kind, "cross_site");
            return CrossSiteRequest;
        }

        SessionAuthenticationOutcome outcome;
        try
        {
            outcome = await _manager.AuthenticateCoreAsync(token, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            // Never authenticate without the store; the outage itself is logged once by the store.
            Log.StoreUnavailable(Logger, Scheme.Name);
            metrics.Rejected(_manager.Kind, "store_unavailable");
            return StoreUnavailable;
        }

        if (outcome.IsMalformed)
        {
            // A token of another session kind is that scheme's business, not a failure of this one.
            if (kinds.BelongsToOtherScheme(token.Span, Scheme.Name))
            {
                return AuthenticateResult.NoResult();
            }

            Log.TokenRejected(Logger, Scheme.Name, "malformed");
            metrics.Rejected(_manager.Kind, "malformed");
            return MalformedToken;
        }

        if (outcome.Session is not { } session)
        {
            Log.TokenRejected(Logger, Scheme.Name, "unknown, revoked or expired");
            metrics.Rejected(_manager.Kind, "invalid");
            return InvalidToken;
        }

        var validate = new SessionValidateContext(Context, Scheme, Options, session, CreatePrincipal(session));
        await Events.ValidateSession(validate).ConfigureAwait(false);
        if (validate.Result is { Succeeded: false, None: false } || (validate.Result is null && validate.Principal is null))
        {
            metrics.Rejected(_manager.Kind, "event");
            return Failure(SessionFailureReason.RejectedByEvent, validate.Result?.Failure?.Message ?? "The session was rejected.");
        }

        metrics.Validated(_manager.Kind);
        return validate.Result ?? AuthenticateResult.Success(new AuthenticationTicket(validate.Principal!, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var reason = (result.Failure as SessionAuthenticationFailure)?.Reason;
        if (reason == SessionFailureReason.StoreUnavailable)
        {
            WriteStoreUnavailable(Response, Options.StoreUnavailableRetryAfter);
            return;
        }

        if (Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            return; // another session scheme of this request already answered the outage
        }

        if (reason == SessionFailureReason.CrossSiteRequest)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, reason switch
        {
            SessionFailureReason.MalformedToken or SessionFailureReason.InvalidToken or SessionFailureReason.RejectedByEvent =>
                "Bearer error=\"invalid_token\", error_description=\"The access token is invalid, revoked or expired\"",
            SessionFailureReason.InvalidRequest => "Bearer error=\"invalid_request\"",
            _ => "Bearer",
        });
    }

    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name;
        if (string.IsNullOrEmpty(userId))
        {
            throw new InvalidOperationException(
                $"Signing in with the '{Scheme.Name}' session scheme needs a principal with a NameIdentifier or Name claim.");
        }

        // Sign-in always starts a fresh session; the one this browser held (if genuine) is revoked, so a
        // planted or stolen pre-login token gains nothing.
        if (ReadCookie() is { IsEmpty: false } previous && await _manager.FindAsync(previous.ToString(), Context.RequestAborted).ConfigureAwait(false) is { } old)
        {
            await _manager.RevokeAsync(old.Id, Context.RequestAborted).ConfigureAwait(false);
        }

        var claims = new List<SessionClaim>();
        foreach (var claim in user.Claims)
        {
            if (claim.Type is not (ClaimTypes.NameIdentifier or SessionClaimTypes.SessionId or SessionClaimTypes.Kind))
            {
                claims.Add(new SessionClaim(claim.Type, claim.Value));
            }
        }

        var created = await _manager.CreateAsync(
            new SessionCreateRequest
            {
                UserId = userId,
                Claims = claims,
                Metadata = Options.CaptureRequestMetadata ? SessionRequestMetadata.Capture(Context) : null,
            },
            Context.RequestAborted).ConfigureAwait(false);

        if (UsesCookie)
        {
            var cookie = Options.Cookie.Build(Context);
            if (properties?.IsPersistent == true)
            {
                var session = created.Session;
                cookie.Expires = session.AbsoluteExpiresAt ?? (session.ExpiresAt == DateTimeOffset.MaxValue ? null : session.ExpiresAt);
            }
            else
            {
                cookie.Expires = null;
                cookie.MaxAge = null;
            }

            Response.Cookies.Append(Options.Cookie.Name!, created.Token, cookie);
        }

        Context.Features.Set<ISessionSignInFeature>(new SessionSignInFeature(created));
        Log.SignedIn(Logger, Scheme.Name, created.Session.Id, userId);
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (result.Failure is SessionAuthenticationFailure { Reason: SessionFailureReason.StoreUnavailable })
        {
            // The session cannot be revoked now: say so (503) rather than clear the cookie and leave it alive.
            throw new SessionStoreUnavailableException("The session store is unavailable; the session was not revoked.");
        }

        if (result.Principal?.FindFirst(SessionClaimTypes.SessionId)?.Value is { } sessionId)
        {
            await _manager.RevokeAsync(sessionId, Context.RequestAborted).ConfigureAwait(false);
            Log.SignedOut(Logger, Scheme.Name, sessionId);
        }

        if (UsesCookie)
        {
            Response.Cookies.Delete(Options.Cookie.Name!, Options.Cookie.Build(Context));
        }
    }

    /// <summary>Answers 503 with <c>Retry-After</c> (whole seconds, at least 1).</summary>
    internal static void WriteStoreUnavailable(HttpResponse response, TimeSpan retryAfter)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private ClaimsPrincipal CreatePrincipal(Session session)
    {
        var stored = session.Claims;
        var hasName = false;
        for (var i = 0; i < stored.Count && !hasName; i++)
        {
            hasName = stored[i].Type == ClaimTypes.Name;
        }

        // Each claim is created bound to its identity: ClaimsIdentity copies every claim whose Subject is not itself,
        // which would allocate each claim twice on every request.
        var identity = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        AddClaim(identity, ClaimTypes.NameIdentifier, session.UserId);
        if (!hasName)
        {
            AddClaim(identity, ClaimTypes.Name, session.UserId);
        }

        AddClaim(identity, SessionClaimTypes.SessionId, session.Id);
        AddClaim(identity, SessionClaimTypes.Kind, session.Kind);
        foreach (var claim in stored)
        {
            AddClaim(identity, claim.Type, claim.Value);
        }

        return new ClaimsPrincipal(identity);

        static void AddClaim(ClaimsIdentity identity, string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }

    private TokenRead ReadToken(out ReadOnlyMemory<char> token, out SessionTokenSource source)
    {
        foreach (var candidate in Options.TokenSources!)
        {
            source = candidate;
            if (candidate == SessionTokenSource.Bearer)
            {
                var headers = Request.Headers.Authorization;
                if (headers.Count == 0)
                {
                    continue;
                }

                if (headers.Count > 1)
                {
                    token = default;
                    return TokenRead.Invalid; // RFC 6750 §2: one method, once
                }

                var read = ReadBearer(headers[0], out token);
                if (read != TokenRead.None)
                {
                    return read;
                }
            }
            else if (ReadCookie() is { IsEmpty: false } cookie)
            {
                token = cookie;
                return TokenRead.Found;
            }
        }

        token = default;
        source = default;
        return TokenRead.None;
    }

    /// <summary><c>Bearer</c> (any case) then one or more spaces then the token (RFC 6750 §2.1, RFC 9110 §11.1).</summary>
    private static TokenRead ReadBearer(string? header, out ReadOnlyMemory<char> token)
    {
        token = default;
        const string scheme = "Bearer";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return TokenRead.None;
        }

        if (header.Length == scheme.Length)
        {
            return TokenRead.Invalid;
        }

        if (header[scheme.Length] != ' ')
        {
            return TokenRead.None; // e.g. "BearerX": some other scheme
        }

        token = header.AsMemory(scheme.Length).Trim(' ');
        return token.IsEmpty ? TokenRead.Invalid : TokenRead.Found;
    }

    private bool UsesCookie => Array.IndexOf(Options.TokenSources!, SessionTokenSource.Cookie) >= 0;

    /// <summary>
    /// The session cookie's value exactly as sent (the first one, if repeated), read from the raw <c>Cookie</c>
    /// headers. Unlike <c>Request.Cookies</c> it does not percent-decode, so a token has one spelling here too,
    /// and it allocates nothing.
    /// </summary>
    private ReadOnlyMemory<char> ReadCookie()
    {
        if (!UsesCookie)
        {
            return default;
        }

        var name = Options.Cookie.Name!;
        foreach (var header in Request.Headers.Cookie)
        {
            var rest = header.AsMemory();
            while (!rest.IsEmpty)
            {
                var end = rest.Span.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim(' ');
                rest = end < 0 ? default : rest[(end + 1)..];
                if (pair.Length > name.Length && pair.Span[name.Length] == '=' && pair.Span.StartsWith(name, StringComparison.Ordinal))
                {
                    return pair[(name.Length + 1)..];
                }
            }
        }

        return default;
    }

    /// <summary>An unsafe method that the browser says, or the Origin shows, comes from another site.</summary>
    private bool IsCrossSiteUnsafeRequest()
    {
        var method = Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        var fetchSite = Request.Headers["Sec-Fetch-Site"];
        if (fetchSite.Count > 0)
        {
            return !(string.Equals(fetchSite[0], "same-origin", StringComparison.OrdinalIgnoreCase)
                || string.Equals(fetchSite[0], "none", StringComparison.OrdinalIgnoreCase));
        }

        var origin = Request.Headers.Origin;
        if (origin.Count == 0)
        {
            return false; // not a browser, or one that sends neither header: SameSite=Lax still holds
        }

        var expected = Request.Scheme + "://" + Request.Host.Value;
        return origin.Count > 1 || !string.Equals(origin[0], expected, StringComparison.OrdinalIgnoreCase);
    }

    private static AuthenticateResult Failure(SessionFailureReason reason, string message) =>
        AuthenticateResult.Fail(new SessionAuthenticationFailure(reason, message));

    private enum TokenRead
    {
        None,
        Found,
        Invalid,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "TokenRejected", Level = LogLevel.Information,
            Message = "Session scheme {Scheme} rejected a token: {Reason}.")]
        public static partial void TokenRejected(ILogger logger, string scheme, string reason);

        [LoggerMessage(EventId = 1202, EventName = "CrossSiteRequestRefused", Level = LogLevel.Warning,
            Message = "Session scheme {Scheme} refused a cookie-authenticated unsafe request from another site.")]
        public static partial void CrossSiteRequestRefused(ILogger logger, string scheme);

        [LoggerMessage(EventId = 1203, EventName = "StoreUnavailable", Level = LogLevel.Debug,
            Message = "Session scheme {Scheme} could not reach the session store; the request is not authenticated.")]
        public static partial void StoreUnavailable(ILogger logger, string scheme);

        [LoggerMessage(EventId = 1204, EventName = "SignedIn", Level = LogLevel.Information,
            Message = "User {UserId} signed in with session scheme {Scheme} (session {SessionId}).")]
        public static partial void SignedIn(ILogger logger, string scheme, string sessionId, string userId);

        [LoggerMessage(EventId = 1205, EventName = "SignedOut", Level = LogLevel.Information,
            Message = "Signed out of session scheme {Scheme} (session {SessionId} revoked).")]
        public static partial void SignedOut(ILogger logger, string scheme, string sessionId);
    }
}
