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
    /// Consumes <paramref name="challenge"/> and, in the same update, binds <paramref name="key"/> (a registration) or keeps
    /// the bound one (a refresh, <paramref name="key"/> being it), issuing a new token whose credential lives
    /// <paramref name="credentialLifetime"/>. <see langword="null"/>: no valid session, or the challenge was consumed already.
    /// </summary>
    internal Task<CreatedSession?> IssueDeviceCredentialAsync(string sessionId, string challenge, SessionDeviceKey key, TimeSpan credentialLifetime, CancellationToken cancellationToken) =>
        RotateWithAsync(sessionId, (now, digest) => new SessionPatch
        {
            IfDeviceChallenge = challenge,
            DeviceChallenge = string.Empty,
            DeviceKey = key with { CredentialExpiresAt = now + credentialLifetime },
            Digest = digest,
        }, cancellationToken);
}
