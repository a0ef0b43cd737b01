using System.Security.Claims;
using System.Text.Encodings.Web;
using AspNetSessions.DeviceBound;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// Authenticates a request by the opaque session token in its bearer header or cookie: one store call, which also
/// slides the session's expiry. Signs in by creating a fresh session (and cookie), signs out by revoking it.
/// Reading the token (<see cref="SessionTokenReader"/>), the cross-site check (<see cref="CrossSiteRequest"/>), what
/// each failure answers (<see cref="SessionFailureReasons"/>, <see cref="SessionChallenge"/>) and the session cookie
/// (<see cref="SessionCookie"/>), rotation (<see cref="SessionRotation"/>), the DBSC endpoints
/// (<see cref="DeviceBoundEndpoints"/>) and the log messages (<see cref="SessionHandlerLog"/>) live in their own types;
/// this class orchestrates them.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<SessionAuthenticationOptions> options,
    SessionHandlerLoggerFactory logger,
    UrlEncoder encoder,
    SessionHandlerServices services)
    : SignInAuthenticationHandler<SessionAuthenticationOptions>(options, logger, encoder), IAuthenticationRequestHandler
{
    private SessionManager _manager = null!;

    // Re-entrancy: the session an OnValidateSession handler is looking at (its SignOutAsync revokes that one instead of
    // authenticating again, which would recurse or wait on itself), and whether this request signed in or out (which
    // then wins over a renewal of the cookie, and over the session being validated).
    private Session? _validating;
    private bool _signedInOrOut;

    // Where the authenticated token came from: a rotation re-issues the cookie only when the cookie carried it.
    private SessionTokenSource _authenticatedBy;

    // The session this request was authenticated by, with the stored digest its token matched (live connections).
    private SessionAuthenticationOutcome _authenticated;

    private new SessionAuthenticationEvents Events => (SessionAuthenticationEvents)base.Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new SessionAuthenticationEvents());

    protected override Task InitializeHandlerAsync()
    {
        _manager = services.Manager(Scheme.Name);
        return Task.CompletedTask;
    }

    /// <summary>Serves the kind's DBSC endpoints when DBSC is on; every other request passes on.</summary>
    public Task<bool> HandleRequestAsync() => DeviceBoundEndpoints.Serves(Request, Options.DeviceBound, out var registration)
        ? new DeviceBoundEndpoints(Context, Options, Scheme.Name, _manager, services, Logger, TimeProvider, HandleAuthenticateOnceSafeAsync, () => _signedInOrOut = true).HandleAsync(registration)
        : Task.FromResult(false);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_validating is not null)
        {
            return AuthenticateResult.NoResult(); // asked again from inside OnValidateSession: not decided yet
        }

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

        if (outcome.TokenExpiresAt <= TimeProvider.GetUtcNow())
        {
            // The store found the session valid, so only a device-bound credential (or the previous one's grace) can have ended first (DBSC).
            return Reject(SessionFailureReason.DeviceCredentialExpired);
        }

        var principal = SessionPrincipal.Create(session, Scheme.Name);
        var properties = SessionAuthenticationItems.ToProperties(session);
        var renew = outcome.Slid;
        if (Events.ObservesValidateSession)
        {
            var validate = new SessionValidateContext(Context, Scheme, Options, session, principal) { Properties = properties };
            _validating = session;
            try
            {
                await Events.ValidateSession(validate).ConfigureAwait(false);
            }
            finally
            {
                _validating = null;
            }

            if (_signedInOrOut || validate.Result is { Succeeded: false, None: false } || (validate.Result is null && validate.Principal is null))
            {
                return Reject(SessionFailureReason.RejectedByEvent, validate.Result?.Failure?.Message ?? "The session was rejected.");
            }

            if (validate.Result is not null)
            {
                services.Metrics.Validated(_manager.Kind);
                return validate.Result;
            }

            (principal, properties) = (validate.Principal!, validate.Properties);
            if (validate.ShouldRenew)
            {
                session = await SessionRenewal.ApplyAsync(_manager, session, validate, Context.RequestAborted).ConfigureAwait(false) ?? session;
                renew = true;
            }
        }

        _authenticatedBy = source;
        _authenticated = outcome with { Session = session };
        if (renew && source == SessionTokenSource.Cookie && SessionCookie.FollowsSlide(session))
        {
            // A persistent cookie whose Expires is the sliding expiry follows the slide, unless this request signs in or out.
            SessionCookie.AppendWhenResponding(Context, Options, token.ToString(), session, unless: () => _signedInOrOut);
        }

        services.Metrics.Validated(_manager.Kind);
        // The stored items (saved tokens, .persistent, the app's) and the session's instants: GetTokenAsync works.
        return AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = _validating is null ? await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false) : AuthenticateResult.NoResult();
        await SessionChallenge.WriteAsync(Context, Options, result, properties, services.StoreOptions.StoreUnavailableRetryAfter).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A stale authentication that a freshness requirement refused is answered as that requirement wants: a challenge.
        if (SessionAuthorizationFailure.Of(Context)?.WantedMaxAge() is { } maxAge)
        {
            return HandleChallengeAsync(RecentAuthentication.ChallengeProperties(maxAge));
        }

        return SessionChallenge.Forbid(Context, Options, properties) ? Task.CompletedTask : base.HandleForbiddenAsync(properties);
    }

    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        RefuseCrossSite(properties);
        var userId = SessionPrincipal.UserId(user, Scheme.Name);
        _signedInOrOut = true;

        // Sign-in always starts a fresh session; the one this browser held (if genuine) is revoked, so a
        // planted or stolen pre-login token gains nothing.
        if (ReadCookie() is { IsEmpty: false } previous && await _manager.FindAsync(previous.ToString(), Context.RequestAborted).ConfigureAwait(false) is { } old)
        {
            await _manager.RevokeAsync(old.Id, Context.RequestAborted).ConfigureAwait(false);
        }

        var request = SessionPrincipal.SignInRequest(user, userId, properties, Options.CaptureRequestMetadata ? Context : null, TimeProvider.GetUtcNow());
        var created = await _manager.CreateAsync(DeviceBoundEndpoints.Offer(request, Options, UsesCookie, TimeProvider), Context.RequestAborted).ConfigureAwait(false);
        DeviceBoundEndpoints.WriteOffer(Context, Options, created.Session);

        NoCacheHeaders.Apply(Response); // the response carries the token (the cookie, or the app's body)
        if (UsesCookie)
        {
            SessionCookie.Append(Context, Options, created.Token, created.Session, properties?.IsPersistent == true);
        }

        Context.Features.Set<ISessionSignInFeature>(new SessionSignInFeature(created));
        SessionHandlerLog.SignedIn(Logger, Scheme.Name, created.Session.Id, userId);

        // As cookie authentication does: the RedirectUri, else on the login path a local ?ReturnUrl=.
        var onLoginPath = Options.LoginPath.HasValue && BrowserNavigation.Original(Request).Path == Options.LoginPath;
        SignInRedirect.Apply(Context, properties?.RedirectUri, onLoginPath ? Options.ReturnUrlParameter : null);
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        RefuseCrossSite(properties);
        _signedInOrOut = true;
        var sessionId = _validating?.Id; // signing out from inside OnValidateSession: the session being validated
        if (_validating is null)
        {
            var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
            if (SessionFailureReasons.Of(result) == SessionFailureReason.StoreUnavailable)
            {
                // The session cannot be revoked now: say so (503) rather than clear the cookie and leave it alive.
                throw new SessionStoreUnavailableException("The session store is unavailable; the session was not revoked.");
            }

            sessionId = result.Principal?.FindFirst(SessionClaimTypes.SessionId)?.Value;
        }

        if (sessionId is not null)
        {
            await _manager.RevokeAsync(sessionId, Context.RequestAborted).ConfigureAwait(false);
            SessionHandlerLog.SignedOut(Logger, Scheme.Name, sessionId);
        }

        if (UsesCookie)
        {
            SessionCookie.Delete(Context, Options);
        }

        SignInRedirect.Apply(Context, properties?.RedirectUri, returnUrlParameter: null);
    }

    /// <summary>Gives the caller's own session a new token (<see cref="SessionRotation"/>).</summary>
    internal async Task<CreatedSession?> RotateAsync()
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var sessionId = result.Principal?.FindFirst(SessionClaimTypes.SessionId)?.Value;
        var rotated = await SessionRotation.RotateAsync(Context, Options, _manager, sessionId, _authenticatedBy == SessionTokenSource.Cookie).ConfigureAwait(false);
        _signedInOrOut |= rotated is not null; // the slide's cookie renewal would write the old token back
        return rotated;
    }

    /// <summary>
    /// The session this request is authenticated by, the stored digest its token matched and until when the token
    /// authenticates, for a live connection to
    /// watch (<see cref="SessionLiveConnections"/>); <see langword="null"/> when it has none, or when
    /// <c>OnValidateSession</c> decided the result itself.
    /// </summary>
    internal async Task<(SessionManager Manager, Session Session, byte[] Digest, DateTimeOffset TokenExpiresAt)?> AuthenticatedSessionAsync()
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        return result.Succeeded && _authenticated is { Session: { } session, Digest: { } digest } authenticated ? (_manager, session, digest, authenticated.TokenExpiresAt) : null;
    }

    /// <summary>A cookie sign-in or sign-out that another site's page sent is refused (403) before anything changes.</summary>
    private void RefuseCrossSite(AuthenticationProperties? properties)
    {
        if (UsesCookie && Options.RejectCrossSiteCookieRequests && CrossSiteRequest.RefusesSignIn(Request, properties))
        {
            SessionHandlerLog.CrossSiteRequestRefused(Logger, Scheme.Name);
            throw new CrossSiteSignInRefusedException(Scheme.Name);
        }
    }

    private bool UsesCookie => Array.IndexOf(Options.TokenSources!, SessionTokenSource.Cookie) >= 0;

    /// <summary>The session cookie as sent, or empty when this scheme does not read cookies.</summary>
    private ReadOnlyMemory<char> ReadCookie() => UsesCookie ? SessionTokenReader.ReadCookie(Request.Headers.Cookie, Options.Cookie.Name!) : default;

    /// <summary>Counts and logs a rejection; its failed result carries the reason to the challenge.</summary>
    private AuthenticateResult Reject(SessionFailureReason reason, string? message = null)
    {
        services.Metrics.Rejected(_manager.Kind, SessionFailureReasons.MetricTag(reason));
        SessionHandlerLog.Rejected(Logger, Scheme.Name, reason);
        return message is null ? SessionFailureReasons.Result(reason) : SessionFailureReasons.Result(reason, message);
    }
}
