using Microsoft.AspNetCore.Authentication;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// The properties of a request authenticated by a session, which are built only when read: they carry the stored
/// items (saved tokens included), the session's creation as issued and its expiry as expires.
/// </summary>
public sealed class SessionAuthenticationItemsTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 2, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Properties_carry_the_stored_items_the_creation_and_the_expiry()
    {
        var session = Session(Created.AddMinutes(30), new Dictionary<string, string> { [".Token.access_token"] = "at", ["app"] = "value" });

        var properties = SessionAuthenticationItems.ToProperties(session);

        Assert.Equal(Created, properties.IssuedUtc);
        Assert.Equal(Created.AddMinutes(30), properties.ExpiresUtc);
        Assert.Equal("at", properties.GetTokenValue("access_token"));
        Assert.Equal("value", properties.Items["app"]);
        Assert.Equal(SessionAuthenticationItems.ToItems(session).OrderBy(p => p.Key), properties.Items.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_session_that_never_expires_has_no_expiry_and_its_properties_can_be_changed()
    {
        var properties = SessionAuthenticationItems.ToProperties(Session(DateTimeOffset.MaxValue, new Dictionary<string, string>()));

        Assert.Null(properties.ExpiresUtc);
        Assert.Equal([".issued"], properties.Items.Keys);
        properties.Items["added"] = "later";
        Assert.True(properties.Items.Remove(".issued"));
        Assert.Equal([new KeyValuePair<string, string?>("added", "later")], properties.Items);
    }

    private static Session Session(DateTimeOffset expiresAt, IReadOnlyDictionary<string, string> items) => new()
    {
        Id = "K9gGbyerm4WhmYpYUPrJXw",
        Kind = "Session",
        UserId = "alice",
        CreatedAt = Created,
        LastSeenAt = Created,
        ExpiresAt = expiresAt,
        AuthenticationItems = items,
    };
}
