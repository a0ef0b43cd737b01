using AspNetSessions.DeviceBound;
using AspNetSessions.Stores;

namespace AspNetSessions;

/// <summary>
/// The store side of DBSC (issue #26): every step is one <see cref="ISessionStore.UpdateAsync"/>. A proof's challenge is
/// consumed by the same update that binds the key or issues the next credential, with the
/// <see cref="SessionPatch.IfDeviceChallenge"/> precondition, so of two requests answering one challenge only one wins.
/// </summary>
internal sealed partial class SessionManager
{
    /// <summary>Replaces the session's outstanding challenge with a fresh one; <see langword="null"/> when there is no valid session.</summary>
    internal async Task<string?> ChallengeDeviceAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = Now();
        var challenge = DeviceChallenge.Issue(now);
        var record = await _store.UpdateAsync(Kind, sessionId, new SessionPatch { DeviceChallenge = challenge }, now, cancellationToken).ConfigureAwait(false);
        return record is null ? null : challenge;
    }

    /// <summary>
    /// Consumes <paramref name="session"/>'s outstanding challenge and, in the same update, binds <paramref name="key"/> (a
    /// registration) or keeps the bound one (a refresh, <paramref name="key"/> being it), issuing a new token whose credential
    /// lives <see cref="DeviceBoundSessionOptions.CredentialLifetime"/>. The previous token stays accepted for
    /// <see cref="DeviceBoundSessionOptions.PreviousCredentialGrace"/> (requests the browser sent before it had the new
    /// cookie), never beyond when it would have stopped anyway (<paramref name="session"/>'s <see cref="Session.TokenExpiresAt"/>):
    /// an expired credential is not revived by the refresh that replaces it. <see langword="null"/>: no valid session, or
    /// the challenge was consumed already.
    /// </summary>
    internal Task<CreatedSession?> IssueDeviceCredentialAsync(Session session, SessionDeviceKey key, DeviceBoundSessionOptions options, CancellationToken cancellationToken) =>
        RotateWithAsync(session.Id, (now, digest) => new SessionPatch
        {
            IfDeviceChallenge = session.DeviceChallenge!, // the challenge the verified proof signed
            DeviceChallenge = string.Empty,
            DeviceKey = key with { CredentialExpiresAt = now + options.CredentialLifetime },
            Digest = digest,
            PreviousDigestAcceptedUntil = SessionExpiry.Cap(now + options.PreviousCredentialGrace, session.TokenExpiresAt) is var graceEnd && graceEnd > now ? graceEnd : null,
        }, cancellationToken);
}
