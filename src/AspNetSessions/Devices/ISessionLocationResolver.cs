using System.Net;

namespace AspNetSessions;

/// <summary>
/// Resolves a coarse location (a city and country, say) from the IP address a session was created from, for
/// <see cref="SessionCreatedContext.Location"/>, e.g. to write "a new sign-in near Paris, France" in an email. Register
/// one in the app's services (no GeoIP database ships with this library: use your provider's or a local database);
/// without one, no location is resolved. Called once per created session that has an IP address recorded; a failure
/// is logged and the session is created without a location.
/// </summary>
public interface ISessionLocationResolver
{
    /// <summary>A coarse, human-readable location of <paramref name="address"/>, or <see langword="null"/> when unknown.</summary>
    /// <param name="address">The session's recorded IP address.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<string?> ResolveAsync(IPAddress address, CancellationToken cancellationToken);
}
