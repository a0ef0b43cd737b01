using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AspNetSessions;

/// <summary>
/// Authenticates a request by the opaque session token in its bearer header or cookie: one store call, which also
/// slides the session's expiry. Signs in by creating a fresh session (and cookie), signs out by revoking it.
/// Reading the token (<see cref="SessionTokenReader"/>), the cross-site check (<see cref="CrossSiteRequest"/>), what
/// each failure answers (<see cref="SessionFailureReasons"/>) and the 503 (<see cref="StoreUnavailableResponse"/>)
/// live in their own types; this class orchestrates them.
/// </summary>
internal sealed partial class SessionAuthenticationHandler(
    IOptionsMonitor<SessionAuthenticationOptions> options,
    SessionHandlerLoggerFactory logger,
    UrlEncoder encoder,
    SessionHandlerServices services)
    : SignInAuthenticationHandler<SessionAuthenticationOptions>(options, logger, encoder)
{
    private SessionManager _manager = null!;

    private new SessionAuthenticationEvents Events => (SessionAuthenticationEvents)base.Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new SessionAuthenticationEvents());

    protected override Task InitializeHandlerAsync()
    {
        _manager = services.Manager(Scheme.Name);
        return Task.CompletedTask;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The event's context is built only when someone handles the event: most apps never do, and every request pays for it.
        string? supplied = null;
        if (Events.ObservesMessageReceived)
        {
            var received = new SessionMessageReceivedContext(Context, Scheme, Options);
            await Events.MessageReceived(received).ConfigureAwait(false);
            if (received.Result is not null)
            {
                return received.Result;
            }

            supplied = received.Token;
        }

        var source = SessionTokenSource.Bearer;
        ReadOnlyMemory<char> token;
        if (supplied is not null)
        {
            token = supplied.AsMemory();
        }
        else
        {
            var read = SessionTokenReader.Read(Request.Headers.Authorization, Request.Headers.Cookie, Options.TokenSources!, Options.Cookie.Name!, out token, out source);
            if (read != SessionTokenRead.Found)
            {
                return read == SessionTokenRead.Invalid ? Reject(SessionFailureReason.InvalidRequest) : AuthenticateResult.NoResult();
            }
        }

        if (source == SessionTokenSource.Cookie && Options.RejectCrossSiteCookieRequests
            && CrossSiteRequest.IsUnsafe(Request))
        {
            return Reject(SessionFailureReason.CrossSiteRequest);
        }

        SessionAuthenticationOutcome outcome;
        try
        {
            outcome = await _manager.AuthenticateCoreAsync(token, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e)
        {
            // Never authenticate without the store; the outage itself is logged once, when it begins.
            services.Outage.Failed(e);
            return Reject(SessionFailureReason.StoreUnavailable);
        }

        if (outcome.IsMalformed)
        {
            // A token of another session kind is that scheme's business, not a failure of this one.
            return services.Kinds.BelongsToOtherScheme(token.Span, Scheme.Name) ? AuthenticateResult.NoResult() : Reject(SessionFailureReason.MalformedToken);
        }

        if (outcome.Session is not { } session)
        {
            return Reject(SessionFailureReason.InvalidToken);
        }

        var principal = CreatePrincipal(session);
        if (Events.ObservesValidateSession)
        {
            var validate = new SessionValidateContext(Context, Scheme, Options, session, principal);
            await Events.ValidateSession(validate).ConfigureAwait(false);
            if (validate.Result is { Succeeded: false, None: false } || (validate.Result is null && validate.Principal is null))
            {
                Reject(SessionFailureReason.RejectedByEvent);
                return SessionFailureReasons.Result(SessionFailureReason.RejectedByEvent, validate.Result?.Failure?.Message ?? "The session was rejected.");
            }

            if (validate.Result is not null)
            {
                services.Metrics.Validated(_manager.Kind);
                return validate.Result;
            }

            principal = validate.Principal!;
        }

        services.Metrics.Validated(_manager.Kind);
        // The stored items (saved tokens, .persistent, the app's) and the session's instants: GetTokenAsync works.
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SessionAuthenticationItems.ToProperties(session), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var reason = SessionFailureReasons.Of(result);
        if (reason == SessionFailureReason.StoreUnavailable)
        {
            StoreUnavailableResponse.Write(Response, services.StoreOptions.StoreUnavailableRetryAfter);
            return;
        }

        if (Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            return; // another session scheme of this request already answered the outage
        }

        // Step-up (RFC 9470): authenticated, but not recently enough for the endpoint's policy.
        if (result.Succeeded && RecentAuthentication.WantedMaxAge(properties) is { } maxAge)
        {
            ChallengeForFreshAuthentication(properties, maxAge);
            return;
        }

        // A cross-site refusal stays a 403: the redirect is for navigations that need a session, not for ones refused.
        if (reason != SessionFailureReason.CrossSiteRequest && Options.LoginPath.HasValue && BrowserNavigation.Is(Request))
        {
            Response.Redirect(BrowserNavigation.RedirectTo(Request, Options.LoginPath, Options.ReturnUrlParameter, properties.RedirectUri));
            return;
        }

        var (status, challenge) = SessionFailureReasons.Challenge(reason);
        Response.StatusCode = status;
        if (challenge is not null)
        {
            Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        }
    }

    private void ChallengeForFreshAuthentication(AuthenticationProperties properties, TimeSpan maxAge)
    {
        if (Options.LoginPath.HasValue && BrowserNavigation.Is(Request))
        {
            var location = BrowserNavigation.RedirectTo(Request, Options.LoginPath, Options.ReturnUrlParameter, properties.RedirectUri);
            Response.Redirect(QueryHelpers.AddQueryString(location, RecentAuthentication.MaxAgeQueryParameter,
                RecentAuthentication.Seconds(maxAge).ToString(CultureInfo.InvariantCulture)));
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, RecentAuthentication.Challenge(maxAge));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A session-scope requirement failed (SessionScopeAuthorizationHandler recorded which): RFC 6750 §3.1's answer.
        if (Context.Features.Get<SessionScopeFailure>() is { } failure)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            if (!Response.Headers.WWWAuthenticate.Any(v => v?.Contains("insufficient_scope", StringComparison.Ordinal) == true))
            {
                Response.Headers.Append(HeaderNames.WWWAuthenticate, failure.Challenge);
            }

            return Task.CompletedTask;
        }

        if (Options.AccessDeniedPath.HasValue && BrowserNavigation.Is(Request))
        {
            Response.Redirect(BrowserNavigation.RedirectTo(Request, Options.AccessDeniedPath, Options.ReturnUrlParameter, properties.RedirectUri));
            return Task.CompletedTask;
        }

        return base.HandleForbiddenAsync(properties);
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
            if (claim.Type is not (ClaimTypes.NameIdentifier or SessionClaimTypes.SessionId or SessionClaimTypes.Kind or SessionClaimTypes.AuthenticationTime
                or SessionClaimTypes.Scope or SessionClaimTypes.Scoped))
            {
                claims.Add(new SessionClaim(claim.Type, claim.Value));
            }
        }

        // The identity provider's auth_time (when the user really authenticated) if it is not in the future; else now.
        var authenticatedAt = RecentAuthentication.AuthenticatedAt(user) is { } at && at <= TimeProvider.GetUtcNow() ? at : (DateTimeOffset?)null;
        var created = await _manager.CreateAsync(
            new SessionCreateRequest
            {
                UserId = userId,
                Claims = claims,
                Metadata = Options.CaptureRequestMetadata ? SessionRequestMetadata.Capture(Context) : null,
                AuthenticatedAt = authenticatedAt,
                ExpiresAt = properties?.ExpiresUtc,
                AuthenticationItems = SessionAuthenticationItems.Select(properties),
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

        // As cookie authentication does: a RedirectUri in the properties sends the browser on after signing in.
        if (!string.IsNullOrEmpty(properties?.RedirectUri))
        {
            Response.Redirect(properties.RedirectUri);
        }
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (SessionFailureReasons.Of(result) == SessionFailureReason.StoreUnavailable)
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
        if (session.AuthenticatedAt >= DateTimeOffset.UnixEpoch)
        {
            AddClaim(identity, SessionClaimTypes.AuthenticationTime, RecentAuthentication.ClaimValue(session.AuthenticatedAt));
        }

        foreach (var claim in stored)
        {
            // The authentication time is the session's own field, never a stored claim that could claim freshness forever;
            // scope claims come from the session's scopes only, so a stored claim never widens or fakes them.
            if (claim.Type is not (SessionClaimTypes.AuthenticationTime or SessionClaimTypes.Scope or SessionClaimTypes.Scoped))
            {
                AddClaim(identity, claim.Type, claim.Value);
            }
        }

        if (session.Scopes is { } scopes)
        {
            AddClaim(identity, SessionClaimTypes.Scoped, "true");
            foreach (var scope in scopes)
            {
                AddClaim(identity, SessionClaimTypes.Scope, scope);
            }
        }

        return new ClaimsPrincipal(identity);

        static void AddClaim(ClaimsIdentity identity, string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }

    private bool UsesCookie => Array.IndexOf(Options.TokenSources!, SessionTokenSource.Cookie) >= 0;

    /// <summary>The session cookie as sent, or empty when this scheme does not read cookies.</summary>
    private ReadOnlyMemory<char> ReadCookie() => UsesCookie ? SessionTokenReader.ReadCookie(Request.Headers.Cookie, Options.Cookie.Name!) : default;

    /// <summary>Counts and logs a rejection; its failed result carries the reason to the challenge.</summary>
    private AuthenticateResult Reject(SessionFailureReason reason)
    {
        services.Metrics.Rejected(_manager.Kind, SessionFailureReasons.MetricTag(reason));
        switch (reason)
        {
            case SessionFailureReason.CrossSiteRequest:
                Log.CrossSiteRequestRefused(Logger, Scheme.Name);
                break;
            case SessionFailureReason.StoreUnavailable:
                Log.StoreUnavailable(Logger, Scheme.Name);
                break;
            default:
                Log.TokenRejected(Logger, Scheme.Name, SessionFailureReasons.LogText(reason));
                break;
        }

        return SessionFailureReasons.Result(reason);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "TokenRejected", Level = LogLevel.Debug,
            Message = "Session scheme {Scheme} rejected a token: {Reason}.")]
        public static partial void TokenRejected(ILogger logger, string scheme, string reason);

        [LoggerMessage(EventId = 1202, EventName = "CrossSiteRequestRefused", Level = LogLevel.Debug,
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
