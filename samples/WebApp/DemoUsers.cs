using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AspNetSessions;

namespace WebApp;

/// <summary>
/// The demo's user list, from the "DemoUsers" configuration section (username → password). A real app checks
/// passwords with ASP.NET Core Identity or similar; this only has to compare without leaking timing.
/// </summary>
public sealed class DemoUsers(IConfiguration configuration)
{
    public const string ApiKeyScheme = "ApiKey";

    private readonly Dictionary<string, byte[]> _passwordHashes = configuration.GetSection("DemoUsers").GetChildren()
        .ToDictionary(c => c.Key, c => SHA256.HashData(Encoding.UTF8.GetBytes(c.Value ?? string.Empty)), StringComparer.Ordinal);

    private readonly HashSet<string> _admins = [.. configuration.GetSection("DemoAdmins").Get<string[]>() ?? []];

    /// <summary>The role claims to store with a user's sessions.</summary>
    public IReadOnlyList<SessionClaim> Roles(string username) =>
        _admins.Contains(username) ? [new SessionClaim(ClaimTypes.Role, "admin")] : [];

    public bool Verify(string username, string password)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return _passwordHashes.TryGetValue(username, out var expected) && CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
