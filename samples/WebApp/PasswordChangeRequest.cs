namespace WebApp;

/// <summary>The body of <c>POST /api/account/password</c>.</summary>
/// <param name="CurrentPassword">The password the user signs in with now.</param>
/// <param name="NewPassword">The new password (at least 8 characters).</param>
public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);
