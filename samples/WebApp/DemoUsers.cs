using System.Security.Cryptography;
using System.Text;

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

    public bool Verify(string username, string password)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return _passwordHashes.TryGetValue(username, out var expected) && CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
