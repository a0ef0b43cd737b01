namespace AspNetSessions;

/// <summary>
/// Set on the request by a session sign-in (<c>HttpContext.SignInAsync</c>): the session it created and its token,
/// for apps that hand the token to a non-browser client as well as setting the cookie.
/// </summary>
public interface ISessionSignInFeature
{
    /// <summary>The session created by the sign-in, with its token.</summary>
    CreatedSession Created { get; }
}
