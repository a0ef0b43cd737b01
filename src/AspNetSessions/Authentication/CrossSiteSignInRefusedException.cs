namespace AspNetSessions;

/// <summary>
/// Thrown by a cookie sign-in or sign-out that another site's page sent (<see cref="CrossSiteRequest.RefusesSignIn"/>),
/// before anything changed; <see cref="StoreUnavailableAnswer"/> answers it 403, so the endpoint's own answer (a redirect
/// to the signed-in page) never runs.
/// </summary>
internal sealed class CrossSiteSignInRefusedException(string scheme)
    : InvalidOperationException($"A cross-site request tried to sign in to or out of session scheme '{scheme}'; nothing was changed.");
