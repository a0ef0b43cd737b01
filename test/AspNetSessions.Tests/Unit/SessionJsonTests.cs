using System.Text;
using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Unit;

/// <summary>The one JSON form of claims, data and metadata that stores keeping text share (Redis fields, database columns).</summary>
public sealed class SessionJsonTests
{
    [Fact]
    public void Claims_and_maps_round_trip_with_order_duplicates_and_unicode()
    {
        SessionClaim[] claims = [new("role", "admin"), new("role", "admin"), new("name", "Älice \"q\" ✓")];
        var map = new Dictionary<string, string> { ["theme"] = "dark", ["empty"] = string.Empty };

        Assert.Equal(claims, SessionJson.ReadClaims(SessionJson.WriteClaims(claims)));
        Assert.Equal(map.OrderBy(p => p.Key), SessionJson.ReadMap(Encoding.UTF8.GetBytes(SessionJson.WriteMap(map))).OrderBy(p => p.Key));
        Assert.Equal("[]", SessionJson.WriteClaims([]));
        Assert.Equal("{}", SessionJson.WriteMap(new Dictionary<string, string>()));
        Assert.Empty(SessionJson.ReadClaims(string.Empty));
        Assert.Empty(SessionJson.ReadMap(string.Empty));
    }

    [Theory]
    [InlineData("[[\"role\"]]")]
    [InlineData("[[\"role\",1]]")]
    [InlineData("{\"a\":\"b\"}")]
    [InlineData("[] []")]
    [InlineData("[[\"a\",\"b\"]")]
    [InlineData("not json")]
    public void Damaged_claims_are_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => SessionJson.ReadClaims(json));
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[]")]
    [InlineData("{\"a\":\"b\"")]
    [InlineData("{\"a\":{\"b\":\"c\"}}")]
    public void Damaged_maps_are_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => SessionJson.ReadMap(json));
    }
}
