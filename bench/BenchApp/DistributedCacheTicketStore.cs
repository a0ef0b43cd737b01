using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;

namespace BenchApp;

/// <summary>
/// The <see cref="ITicketStore"/> an ASP.NET user writes for Redis-backed cookie sessions: the serialized ticket in
/// <see cref="IDistributedCache"/> (here <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>) under a random key,
/// with sliding expiration. The comparison point for "cookie auth + server-side sessions on Redis".
/// </summary>
internal sealed class DistributedCacheTicketStore(IDistributedCache cache) : ITicketStore
{
    private const string Prefix = "ticket:";
    private static readonly DistributedCacheEntryOptions Expiry = new() { SlidingExpiration = TimeSpan.FromMinutes(30) };

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Guid.NewGuid().ToString("N");
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) =>
        cache.SetAsync(Prefix + key, TicketSerializer.Default.Serialize(ticket), Expiry);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        await cache.GetAsync(Prefix + key) is { } bytes ? TicketSerializer.Default.Deserialize(bytes) : null;

    public Task RemoveAsync(string key) => cache.RemoveAsync(Prefix + key);
}
