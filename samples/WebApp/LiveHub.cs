using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace WebApp;

/// <summary>
/// <c>/hubs/live</c>: a SignalR hub authenticated by the session (bearer or cookie). <c>WhoAmI</c> answers the caller's
/// user id; when the session is revoked, expires or has its token rotated, on this instance or any other that shares
/// the store's change feed, the connection is aborted (<c>CloseOnSessionEnd()</c>).
/// </summary>
[Authorize(AuthenticationSchemes = AspNetSessions.SessionAuthenticationDefaults.AuthenticationScheme)]
public sealed class LiveHub : Hub
{
    public string? WhoAmI() => Context.UserIdentifier;
}
