using System.Net;
using AspNetSessions;

namespace WebApp;

/// <summary>
/// A stand-in for a GeoIP lookup (the library ships none): a real app asks its provider or a local database here and
/// returns something like "Paris, France". The demo only knows loopback and private addresses.
/// </summary>
internal sealed class DemoLocationResolver : ISessionLocationResolver
{
    public ValueTask<string?> ResolveAsync(IPAddress address, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(
        IPAddress.IsLoopback(address) ? "this machine"
        : address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || IsPrivateIPv4(address) ? "a private network"
        : null);

    private static bool IsPrivateIPv4(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes() is [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..];
}
