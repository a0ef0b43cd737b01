namespace AspNetSessions;

/// <summary>
/// Hooks into session authentication. Set the <c>On…</c> delegates, or derive and override the virtual methods
/// (and register the type through <c>EventsType</c>).
/// </summary>
public class SessionAuthenticationEvents
{
    // The defaults, by reference: the handler skips building a per-request context for an event nobody handles.
    private static readonly Func<SessionMessageReceivedContext, Task> NoMessageReceived = static _ => Task.CompletedTask;
    private static readonly Func<SessionValidateContext, Task> NoValidateSession = static _ => Task.CompletedTask;

    /// <summary>
    /// Runs before the handler reads the bearer header or cookie. Set <see cref="SessionMessageReceivedContext.Token"/>
    /// to supply the token from elsewhere (e.g. a WebSocket query string), or decide the result outright.
    /// </summary>
    public Func<SessionMessageReceivedContext, Task> OnMessageReceived { get; set; } = NoMessageReceived;

    /// <summary>
    /// Runs after a session was found for the request and its principal built: reject it
    /// (<c>context.Fail(...)</c>) or replace <see cref="Microsoft.AspNetCore.Authentication.ResultContext{TOptions}.Principal"/>.
    /// </summary>
    public Func<SessionValidateContext, Task> OnValidateSession { get; set; } = NoValidateSession;

    /// <summary>Runs after a session was created (by sign-in or by the session API).</summary>
    public Func<SessionCreatedContext, Task> OnSessionCreated { get; set; } = _ => Task.CompletedTask;

    /// <summary>Runs after one or more sessions were revoked (by sign-out or by the session API).</summary>
    public Func<SessionRevokedContext, Task> OnSessionRevoked { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnMessageReceived"/>.</summary>
    /// <param name="context">The context.</param>
    public virtual Task MessageReceived(SessionMessageReceivedContext context) => OnMessageReceived(context);

    /// <summary>Invokes <see cref="OnValidateSession"/>.</summary>
    /// <param name="context">The context.</param>
    public virtual Task ValidateSession(SessionValidateContext context) => OnValidateSession(context);

    /// <summary>Invokes <see cref="OnSessionCreated"/>.</summary>
    /// <param name="context">The context.</param>
    public virtual Task SessionCreated(SessionCreatedContext context) => OnSessionCreated(context);

    /// <summary>Invokes <see cref="OnSessionRevoked"/>.</summary>
    /// <param name="context">The context.</param>
    public virtual Task SessionRevoked(SessionRevokedContext context) => OnSessionRevoked(context);

    /// <summary>Whether <see cref="MessageReceived"/> may do anything: a derived type, or a delegate other than the default.</summary>
    internal bool ObservesMessageReceived => GetType() != typeof(SessionAuthenticationEvents) || !ReferenceEquals(OnMessageReceived, NoMessageReceived);

    /// <summary>Whether <see cref="ValidateSession"/> may do anything: a derived type, or a delegate other than the default.</summary>
    internal bool ObservesValidateSession => GetType() != typeof(SessionAuthenticationEvents) || !ReferenceEquals(OnValidateSession, NoValidateSession);
}
