using System.Reflection;
using AspNetSessions.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// Each create starts a step of the Redis store's listing-index sweep that it does not await (a listing script and an
/// <c>EXISTS</c> per id), and each revocation an unlist script it does not await either. A test that counts the commands
/// Redis ran (<c>CONFIG RESETSTAT</c>, then <c>INFO commandstats</c>) waits for them first, or one still in flight from an
/// earlier sign-in lands in its count: seen as 26 script calls for 25 requests on a loaded machine.
/// </summary>
internal static class RedisListingSweep
{
    private static readonly PropertyInfo Inner = typeof(DelegatingSessionStore).GetProperty("InnerStore", BindingFlags.Instance | BindingFlags.NonPublic)!;

    /// <summary>Waits for the sweep step that runs or ran last and the unlistings under way of the app's Redis store (below its decorators).</summary>
    public static async Task SettledAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<ISessionStore>();
        while (store is DelegatingSessionStore decorator)
        {
            store = (ISessionStore)Inner.GetValue(decorator)!;
        }

        await ((RedisSessionStore)store).SettledAsync();
    }
}
