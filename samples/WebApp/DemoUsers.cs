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

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _passwordHashes = new( configuration.GetSection("DemoUsers").GetChildren()
        .Select(c => KeyValuePair.Create(c.Key, SHA256.HashData(Encoding.UTF8.GetBytes(c.Value ?? string.Empty)))), StringComparer.Ordinal);

    private readonly HashSet<string> _admins = [.. configuration.GetSection("DemoAdmins").Get<string[]>() ?? []];

    /// <summary>The role claims to store with a user's sessions.</summary>
    public IReadOnlyList<SessionClaim> Roles(string username) =>
        _admins.Contains(username) ? [new SessionClaim(ClaimTypes.Role, "admin")] : [];

    /// <summary>Replaces a known user's password (demo only: kept in memory until the app stops).</summary>
    public bool ChangePassword(string username, string currentPassword, string newPassword)
    {
        if (!Verify(username, currentPassword) || newPassword.Length < 8)
        {
            return false;
        }

        _passwordHashes[username] = SHA256.HashData(Encoding.UTF8.GetBytes(newPassword));
        return true;
    }

    public bool Verify(string username, string password)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return _passwordHashes.TryGetValue(username, out var expected) && CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
