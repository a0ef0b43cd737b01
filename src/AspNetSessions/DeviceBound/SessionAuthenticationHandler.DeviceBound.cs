using AspNetSessions.DeviceBound;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AspNetSessions;

/// <summary>
/// The DBSC endpoints of a cookie kind (issue #26), served by its handler as the authentication middleware's request
/// handler: nothing to map, and a kind without <c>DeviceBound:Enabled</c> costs one boolean test per request.
/// Registration binds the key of an authenticated cookie session; refresh authenticates by the session id and a proof
/// signed by the stored key alone (the short-lived cookie is gone by then), and issues the next cookie credential.
/// </summary>
internal sealed partial class SessionAuthenticationHandler : IAuthenticationRequestHandler
{
    public async Task<bool> HandleRequestAsync()
    {
        var dbsc = Options.DeviceBound;
        if (!dbsc.Enabled)
        {
            return false;
        }

        var path = Request.Path;
        var registration = path.Equals(dbsc.RegistrationPath, StringComparison.OrdinalIgnoreCase);
        if (!registration && !path.Equals(dbsc.RefreshPath, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsPost(Request.Method))
        {
            Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            Response.Headers.Allow = HttpMethods.Post;
            return true;
        }

        try
        {
            await (registration ? RegisterDeviceAsync() : RefreshDeviceAsync()).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e)
        {
            services.Outage.Failed(e);
            Log.StoreUnavailable(Logger, Scheme.Name);
            StoreUnavailableAnswer.Write(Response, services.StoreOptions.StoreUnavailableRetryAfter);
        }

        return true;
    }

    /// <summary>
    /// Offers DBSC on a cookie sign-in: a fresh challenge kept on the new session, and the registration header. Returns the
    /// request to create (with the challenge) — the header is written once the session exists.
    /// </summary>
    private SessionCreateRequest OfferDeviceBinding(SessionCreateRequest request) =>
        Options.DeviceBound.Enabled && UsesCookie ? request with { DeviceChallenge = DeviceChallenge.Issue(TimeProvider.GetUtcNow()) } : request;

    private void WriteRegistrationOffer(Session session)
    {
        if (session.DeviceChallenge is { } challenge)
        {
            Response.Headers[DeviceBoundHeaders.Registration] =
                DeviceBoundHeaders.RegistrationOffer((Request.PathBase + Options.DeviceBound.RegistrationPath).ToUriComponent(), challenge);
        }
    }

    private async Task RegisterDeviceAsync()
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (SessionFailureReasons.Of(result) == SessionFailureReason.StoreUnavailable)
        {
            throw new SessionStoreUnavailableException("The session store is unavailable; the device was not registered.");
        }

        if (result.Principal?.FindFirst(SessionClaimTypes.SessionId)?.Value is not { } sessionId
            || await _manager.FindByIdAsync(sessionId, Context.RequestAborted).ConfigureAwait(false) is not { } session)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // Bound once: a stolen cookie must not re-bind the session to the thief's key.
        SessionDeviceKey? key = null;
        var refusal = session.DeviceKey is not null
            ? DeviceProofRefusal.AlreadyBound
            : DeviceBoundProof.Verify(DeviceBoundHeaders.ProofOf(Request), null, session.DeviceChallenge, null, TimeProvider.GetUtcNow(), out key);
        if (refusal == DeviceProofRefusal.None)
        {
            var created = await _manager.IssueDeviceCredentialAsync(session, key!, Options.DeviceBound, Context.RequestAborted).ConfigureAwait(false);
            if (created is not null)
            {
                _signedInOrOut = true; // no slide writes the old token back
                Log.DeviceRegistered(Logger, Scheme.Name, sessionId, key!.Algorithm, key.Thumbprint);
                await IssueDeviceCredentialAsync(created).ConfigureAwait(false);
                return;
            }

            refusal = DeviceProofRefusal.ChallengeNotIssued; // answered concurrently: consumed by the other request
        }

        Log.DeviceProofRefused(Logger, Scheme.Name, sessionId, "registration", refusal);
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    private async Task RefreshDeviceAsync()
    {
        var sessionId = DeviceBoundHeaders.SessionIdOf(Request);
        if (sessionId is null || !Tokens.SessionTokenCodec.IsSessionId(sessionId))
        {
            Log.DeviceProofRefused(Logger, Scheme.Name, "(none)", "refresh", DeviceProofRefusal.Malformed);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var session = await _manager.FindByIdAsync(sessionId, Context.RequestAborted).ConfigureAwait(false);
        if (session?.DeviceKey is not { } key)
        {
            // Revoked, expired, evicted, or never bound: the browser ends the session and drops its key.
            Log.DeviceSessionEnded(Logger, Scheme.Name, sessionId);
            await DeviceBoundInstructions.WriteEndAsync(Context, sessionId).ConfigureAwait(false);
            return;
        }

        var refusal = DeviceBoundProof.Verify(DeviceBoundHeaders.ProofOf(Request), key, session.DeviceChallenge, null, TimeProvider.GetUtcNow(), out _);
        if (refusal == DeviceProofRefusal.None)
        {
            var created = await _manager.IssueDeviceCredentialAsync(session, key, Options.DeviceBound, Context.RequestAborted).ConfigureAwait(false);
            if (created is not null)
            {
                Log.DeviceRefreshed(Logger, Scheme.Name, sessionId);
                await IssueDeviceCredentialAsync(created).ConfigureAwait(false);
                return;
            }

            refusal = DeviceProofRefusal.ChallengeNotIssued; // a replay that lost the race, or the session just ended
        }

        if (refusal != DeviceProofRefusal.Missing)
        {
            Log.DeviceProofRefused(Logger, Scheme.Name, sessionId, "refresh", refusal);
        }

        // No proof, or a refused one: a fresh challenge to sign (403), unless the session ended meanwhile.
        if (await _manager.ChallengeDeviceAsync(sessionId, Context.RequestAborted).ConfigureAwait(false) is not { } challenge)
        {
            Log.DeviceSessionEnded(Logger, Scheme.Name, sessionId);
            await DeviceBoundInstructions.WriteEndAsync(Context, sessionId).ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers[DeviceBoundHeaders.Challenge] = DeviceBoundHeaders.ChallengeFor(challenge, sessionId);
    }

    private Task IssueDeviceCredentialAsync(CreatedSession created)
    {
        SessionCookie.AppendDeviceCredential(Context, Options, created.Token, Options.DeviceBound.CredentialLifetime);
        return DeviceBoundInstructions.WriteAsync(Context, Options, created.Session.Id);
    }

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
