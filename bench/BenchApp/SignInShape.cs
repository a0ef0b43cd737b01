using System.Globalization;
using System.Security.Claims;
using AspNetSessions;

namespace BenchApp;

/// <summary>
/// The sample's sign-in shape, which the scale measurements store by the million: one role claim, and what sign-in
/// records for a browser session (<see cref="SessionRequestMetadata"/>), <see cref="SessionsPerUser"/> sessions per
/// user. The HTTP load preloads it (<c>Preload</c>); the benchmarks compile this same file for their stored
/// records (test/AspNetSessions.Benchmarks: Fixtures, <c>--scale</c>, <c>--memory</c>), so both measure one shape.
/// </summary>
internal static class SignInShape
{
    /// <summary>How many sessions each generated user owns.</summary>
    public const int SessionsPerUser = 10;

    /// <summary>The <paramref name="user"/>-th generated user's id.</summary>
    public static string UserId(int user) => "user-" + user.ToString(CultureInfo.InvariantCulture);

    /// <summary>The session's claims: a role, in an array of its own per session as a sign-in builds it.</summary>
    public static SessionClaim[] Claims() => [new SessionClaim(ClaimTypes.Role, "user")];

    /// <summary>
    /// A desktop Firefox user agent and an IPv4 address (the <paramref name="i"/>-th of a documentation range), each a
    /// string of its own, as read from a request.
    /// </summary>
    public static Dictionary<string, string> Metadata(int i) => new()
    {
        [SessionMetadataKeys.UserAgent] = new string("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0".AsSpan()),
        [SessionMetadataKeys.IpAddress] = "203.0.113." + (i % 250).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The <paramref name="i"/>-th sign-in of <paramref name="userId"/>'s shape, as the manager takes it.</summary>
    public static SessionCreateRequest Request(string userId, int i) =>
        new() { UserId = userId, Claims = Claims(), Metadata = Metadata(i) };
}
