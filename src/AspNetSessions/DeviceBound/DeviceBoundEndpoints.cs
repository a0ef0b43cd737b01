using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// The DBSC endpoints of a cookie kind (issue #26), served for its handler when the authentication middleware asks it to
/// handle the request: nothing to map, and a kind without <c>DeviceBound:Enabled</c> costs one boolean test per request.
/// Registration binds the key of an authenticated cookie session; refresh authenticates by the session id and a proof
/// signed by the stored key alone (the short-lived cookie is gone by then), and issues the next cookie credential.
/// The handler passes what a request needs: its authenticate-once result, its manager and logger, and
/// <paramref name="signedInOrOut"/>, which marks the request as having issued a credential (no slide writes the old token back).
/// </summary>
internal sealed partial class DeviceBoundEndpoints(
    HttpContext context,
    SessionAuthenticationOptions options,
    string scheme,
    SessionManager manager,
    SessionHandlerServices services,
    ILogger logger,
    TimeProvider clock,
    Func<Task<AuthenticateResult>> authenticateOnce,
    Action signedInOrOut)
{
    private HttpRequest Request => context.Request;

    private HttpResponse Response => context.Response;

    /// <summary>Whether the request is for one of the kind's DBSC endpoints, and for which.</summary>
    public static bool Serves(HttpRequest request, DeviceBoundSessionOptions dbsc, out bool registration)
    {
        registration = false;
        if (!dbsc.Enabled)
        {
            return false;
        }

        var path = request.Path;
        registration = path.Equals(dbsc.RegistrationPath, StringComparison.OrdinalIgnoreCase);
        return registration || path.Equals(dbsc.RefreshPath, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Offers DBSC on a cookie sign-in: a fresh challenge kept on the new session, and the registration header. Returns the
    /// request to create (with the challenge) — the header is written once the session exists (<see cref="WriteOffer"/>).
    /// </summary>
    public static SessionCreateRequest Offer(SessionCreateRequest request, SessionAuthenticationOptions options, bool usesCookie, TimeProvider clock) =>
        options.DeviceBound.Enabled && usesCookie ? request with { DeviceChallenge = DeviceChallenge.Issue(clock.GetUtcNow()) } : request;

    public static void WriteOffer(HttpContext context, SessionAuthenticationOptions options, Session session)
    {
        if (session.DeviceChallenge is { } challenge)
        {
            context.Response.Headers[DeviceBoundHeaders.Registration] =
                DeviceBoundHeaders.RegistrationOffer((context.Request.PathBase + options.DeviceBound.RegistrationPath).ToUriComponent(), challenge);
        }
    }

    /// <summary>Answers a request <see cref="Serves"/> accepted; always handled.</summary>
    public async Task<bool> HandleAsync(bool registration)
    {
        Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsPost(Request.Method))
        {
            Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            Response.Headers.Allow = HttpMethods.Post;
            return true;
        }

        try
        {
            await (registration ? RegisterAsync() : RefreshAsync()).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e)
        {
            services.Outage.Failed(e);
            SessionHandlerLog.StoreUnavailable(logger, scheme);
            StoreUnavailableAnswer.Write(Response, services.StoreOptions.StoreUnavailableRetryAfter);
        }

        return true;
    }

    private async Task RegisterAsync()
    {
        var result = await authenticateOnce().ConfigureAwait(false);
        if (SessionFailureReasons.Of(result) == SessionFailureReason.StoreUnavailable)
        {
            throw new SessionStoreUnavailableException("The session store is unavailable; the device was not registered.");
        }

        if (result.Principal?.FindFirst(SessionClaimTypes.SessionId)?.Value is not { } sessionId
            || await manager.FindByIdAsync(sessionId, context.RequestAborted).ConfigureAwait(false) is not { } session)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // Bound once: a stolen cookie must not re-bind the session to the thief's key.
        SessionDeviceKey? key = null;
        var refusal = session.DeviceKey is not null
            ? DeviceProofRefusal.AlreadyBound
            : DeviceBoundProof.Verify(DeviceBoundHeaders.ProofOf(Request), null, session.DeviceChallenge, null, clock.GetUtcNow(), out key);
        if (refusal == DeviceProofRefusal.None)
        {
            var created = await manager.IssueDeviceCredentialAsync(session, key!, options.DeviceBound, context.RequestAborted).ConfigureAwait(false);
            if (created is not null)
            {
                signedInOrOut(); // no slide writes the old token back
                Log.DeviceRegistered(logger, scheme, sessionId, key!.Algorithm, key.Thumbprint);
                await IssueCredentialAsync(created).ConfigureAwait(false);
                return;
            }

            refusal = DeviceProofRefusal.ChallengeNotIssued; // answered concurrently: consumed by the other request
        }

        Log.DeviceProofRefused(logger, scheme, sessionId, "registration", refusal);
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    private async Task RefreshAsync()
    {
        var sessionId = DeviceBoundHeaders.SessionIdOf(Request);
        if (sessionId is null || !Tokens.SessionTokenCodec.IsSessionId(sessionId))
        {
            Log.DeviceProofRefused(logger, scheme, "(none)", "refresh", DeviceProofRefusal.Malformed);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var session = await manager.FindByIdAsync(sessionId, context.RequestAborted).ConfigureAwait(false);
        if (session?.DeviceKey is not { } key)
        {
            // Revoked, expired, evicted, or never bound: the browser ends the session and drops its key.
            Log.DeviceSessionEnded(logger, scheme, sessionId);
            await DeviceBoundInstructions.WriteEndAsync(context, sessionId).ConfigureAwait(false);
            return;
        }

        var refusal = DeviceBoundProof.Verify(DeviceBoundHeaders.ProofOf(Request), key, session.DeviceChallenge, null, clock.GetUtcNow(), out _);
        if (refusal == DeviceProofRefusal.None)
        {
            var created = await manager.IssueDeviceCredentialAsync(session, key, options.DeviceBound, context.RequestAborted).ConfigureAwait(false);
            if (created is not null)
            {
                Log.DeviceRefreshed(logger, scheme, sessionId);
                await IssueCredentialAsync(created).ConfigureAwait(false);
                return;
            }

            refusal = DeviceProofRefusal.ChallengeNotIssued; // a replay that lost the race, or the session just ended
        }

        if (refusal != DeviceProofRefusal.Missing)
        {
            Log.DeviceProofRefused(logger, scheme, sessionId, "refresh", refusal);
        }

        // No proof, or a refused one: a fresh challenge to sign (403), unless the session ended meanwhile.
        if (await manager.ChallengeDeviceAsync(sessionId, context.RequestAborted).ConfigureAwait(false) is not { } challenge)
        {
            Log.DeviceSessionEnded(logger, scheme, sessionId);
            await DeviceBoundInstructions.WriteEndAsync(context, sessionId).ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers[DeviceBoundHeaders.Challenge] = DeviceBoundHeaders.ChallengeFor(challenge, sessionId);
    }

    private Task IssueCredentialAsync(CreatedSession created)
    {
        SessionCookie.AppendDeviceCredential(context, options, created.Token, options.DeviceBound.CredentialLifetime);
        return DeviceBoundInstructions.WriteAsync(context, options, created.Session.Id);
    }

    // Logged under the handler's category (the handler's logger), as they were when the handler served these endpoints.
    private static partial class Log
    {
        [LoggerMessage(EventId = 1261, EventName = "DeviceProofRefused", Level = LogLevel.Information,
            Message = "Session scheme {Scheme} refused a DBSC {Step} proof for session {SessionId}: {Reason}.")]
        public static partial void DeviceProofRefused(ILogger logger, string scheme, string sessionId, string step, DeviceProofRefusal reason);

        [LoggerMessage(EventId = 1262, EventName = "DeviceRegistered", Level = LogLevel.Information,
            Message = "Session scheme {Scheme} bound session {SessionId} to a {Algorithm} device key (thumbprint {Thumbprint}).")]
        public static partial void DeviceRegistered(ILogger logger, string scheme, string sessionId, string algorithm, string thumbprint);

        [LoggerMessage(EventId = 1263, EventName = "DeviceRefreshed", Level = LogLevel.Debug,
            Message = "Session scheme {Scheme} refreshed the device-bound credential of session {SessionId}.")]
        public static partial void DeviceRefreshed(ILogger logger, string scheme, string sessionId);

        [LoggerMessage(EventId = 1264, EventName = "DeviceSessionEnded", Level = LogLevel.Information,
            Message = "Session scheme {Scheme} told the browser to end device-bound session {SessionId}: it is revoked, expired or not bound.")]
        public static partial void DeviceSessionEnded(ILogger logger, string scheme, string sessionId);
    }
}
