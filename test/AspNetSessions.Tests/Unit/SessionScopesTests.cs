using System.Security.Claims;

namespace AspNetSessions.Tests.Unit;

/// <summary>The scope rules (<see cref="SessionScopes"/>): the syntax, who is unrestricted, what a principal may do.</summary>
public sealed class SessionScopesTests
{
    [Theory]
    [InlineData("orders:read", true)]
    [InlineData("!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("orders read", false)]
    [InlineData("orders\"read", false)]
    [InlineData("orders\\read", false)]
    [InlineData("orders\tread", false)]
    [InlineData("bestellungen:lesen:ä", false)]
    [InlineData("\u007F", false)]
    public void A_scope_is_an_RFC_6749_scope_token(string? scope, bool valid) => Assert.Equal(valid, SessionScopes.IsValid(scope));

    [Fact]
    public void A_scope_is_at_most_64_characters() =>
        Assert.Equal((true, false), (SessionScopes.IsValid(new string('s', 64)), SessionScopes.IsValid(new string('s', 65))));

    [Fact]
    public void No_scopes_is_unrestricted_and_an_empty_list_grants_nothing()
    {
        var session = new Session { Id = "i", Kind = "k", UserId = "u", CreatedAt = default, LastSeenAt = default, ExpiresAt = default };

        Assert.True(SessionScopes.Allows(session, "orders:read"));
        Assert.False(SessionScopes.Allows(session with { Scopes = [] }, "orders:read"));
        Assert.True(SessionScopes.Allows(session with { Scopes = ["orders:read"] }, "orders:read"));
        Assert.False(SessionScopes.Allows(session with { Scopes = ["orders:read"] }, "orders:READ"));
    }

    [Fact]
    public void A_principal_is_allowed_by_an_unrestricted_session_identity_or_one_holding_every_scope()
    {
        var unrestricted = Identity(scoped: false);
        var reader = Identity(scoped: true, "orders:read");
        var nothing = Identity(scoped: true);
        var foreign = new ClaimsIdentity([new Claim(SessionClaimTypes.Scope, "orders:read")], "Bearer");

        Assert.True(SessionScopes.Allows(new ClaimsPrincipal(unrestricted), ["orders:read", "orders:write"]));
        Assert.True(SessionScopes.Allows(new ClaimsPrincipal(reader), ["orders:read"]));
        Assert.False(SessionScopes.Allows(new ClaimsPrincipal(reader), ["orders:read", "orders:write"]));
        Assert.False(SessionScopes.Allows(new ClaimsPrincipal(nothing), ["orders:read"]));
        Assert.False(SessionScopes.Allows(new ClaimsPrincipal(foreign), ["orders:read"]));
        Assert.True(SessionScopes.Allows(new ClaimsPrincipal([nothing, reader]), ["orders:read"]));
    }

    private static ClaimsIdentity Identity(bool scoped, params string[] scopes)
    {
        var claims = new List<Claim> { new(SessionClaimTypes.Kind, "ApiKey") };
        if (scoped)
        {
            claims.Add(new Claim(SessionClaimTypes.Scoped, "true"));
        }

        claims.AddRange(scopes.Select(s => new Claim(SessionClaimTypes.Scope, s)));
        return new ClaimsIdentity(claims, "ApiKey");
    }
}
