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

    [Fact]
    public void Well_known_claim_types_may_be_written_as_numbers_and_every_reader_reads_them()
    {
        SessionClaim[] claims = [new(System.Security.Claims.ClaimTypes.Role, "admin"), new("role", "user"), new(System.Security.Claims.ClaimTypes.Email, "a@example.com")];

        var numbered = SessionJson.WriteClaims(claims, numberedTypes: true);

        Assert.Equal("[[0,\"admin\"],[\"role\",\"user\"],[3,\"a@example.com\"]]", numbered);
        Assert.Equal(claims, SessionJson.ReadClaims(numbered));
        Assert.Contains(System.Security.Claims.ClaimTypes.Role, SessionJson.WriteClaims(claims), StringComparison.Ordinal);
        Assert.Equal(SessionJson.NumberedClaimTypes.Length, SessionJson.NumberedClaimTypes.Distinct().Count());
    }

    [Theory]
    [InlineData("[[99,\"a\"]]")]
    [InlineData("[[-1,\"a\"]]")]
    [InlineData("[[0.5,\"a\"]]")]
    [InlineData("[[0,0]]")]
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
