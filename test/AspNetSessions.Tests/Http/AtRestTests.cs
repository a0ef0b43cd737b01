using System.Net;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// Nothing usable at rest on the memory store (issue #22): after an OpenID Connect-style sign-in with saved tokens, the
/// store's records hold no token and no marked secret in readable form; a record whose secrets do not decrypt answers
/// 401 with a warning naming the session, never a 500. Redis and PostgreSQL run the same scenario on real servers.
/// </summary>
public sealed class AtRestTests
{
    [Fact]
    public async Task A_dump_of_the_memory_store_holds_no_saved_token_and_no_marked_secret()
    {
        await using var app = await AtRestScenario.StartAsync();
        await app.SignInAsync();

        app.AssertNothingReadable(await app.DumpThroughTheStoreAsync());
    }

    [Fact]
    public async Task A_record_whose_secrets_do_not_decrypt_answers_401_and_a_warning_naming_the_session()
    {
        await using var app = await AtRestScenario.StartAsync();
        var token = await app.SignInAsync();
        var record = Assert.Single((await app.Store.QueryAsync(new SessionQuery { Kind = "Session", Now = DateTimeOffset.UtcNow, UserId = AtRestScenario.UserId }, default)).Items);
        var items = record.Session.AuthenticationItems;
        var (key, value) = Assert.Single(items);
        await app.Store.DeleteAsync("Session", record.Session.Id, default);
        await app.Store.CreateAsync(record with
        {
            Session = record.Session with { AuthenticationItems = new Dictionary<string, string> { [key] = value[..^3] + (value[^3] == 'A' ? "B" : "A") + value[^2..] } },
        }, 0, DateTimeOffset.UtcNow, default);

        using var response = await app.SendAsync(HttpMethod.Get, "/secrets", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("[1007]", StringComparison.Ordinal)
            && l.Contains(record.Session.Id, StringComparison.Ordinal));
    }
}
