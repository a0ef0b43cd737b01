namespace WebApp;

/// <summary>The body of <c>POST /api/reauthenticate</c>.</summary>
/// <param name="Password">The signed-in user's password, proving again who they are.</param>
public sealed record ReauthenticateRequest(string? Password);
