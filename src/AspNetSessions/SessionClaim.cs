namespace AspNetSessions;

/// <summary>A claim stored with a session and added to the principal on every authenticated request.</summary>
/// <param name="Type">The claim type, e.g. <see cref="System.Security.Claims.ClaimTypes.Role"/>.</param>
/// <param name="Value">The claim value.</param>
public readonly record struct SessionClaim(string Type, string Value);
