using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AspNetSessions.Tests.Unit;

/// <summary>The handler's pure helpers: token reading (RFC 6750), the cross-site check, the failure table and the 503.</summary>
public sealed class RequestReadingTests
{
    private static readonly SessionTokenSource[] BearerThenCookie = [SessionTokenSource.Bearer, SessionTokenSource.Cookie];

    [Theory]
    [InlineData("Bearer abc", "Found", "abc")]
    [InlineData("bearer    abc  ", "Found", "abc")]
    [InlineData("Bearer", "Invalid", "")]
    [InlineData("Bearer    ", "Invalid", "")]
    [InlineData("BearerX abc", "None", "")]
    [InlineData("Basic YWxpY2U6cHc=", "None", "")]
    public void Bearer_headers_follow_rfc_6750(string header, string expected, string token)
    {
        Assert.Equal(Enum.Parse<SessionTokenRead>(expected), SessionTokenReader.ReadBearer(header, out var read));
        Assert.Equal(token, read.ToString());
    }

    [Fact]
    public void Two_authorization_headers_are_an_invalid_request()
    {
        var read = SessionTokenReader.Read(new StringValues(["Bearer a", "Bearer b"]), default, BearerThenCookie, "c", out _, out _);
        Assert.Equal(SessionTokenRead.Invalid, read);
    }

    [Fact]
    public void The_first_configured_source_that_has_a_token_decides()
    {
        var cookies = new StringValues("other=1; c=from-cookie; c=second");
        Assert.Equal(SessionTokenRead.Found, SessionTokenReader.Read(new StringValues("Bearer from-header"), cookies, BearerThenCookie, "c", out var token, out var source));
        Assert.Equal(("from-header", SessionTokenSource.Bearer), (token.ToString(), source));

        Assert.Equal(SessionTokenRead.Found, SessionTokenReader.Read(new StringValues("Bearer from-header"), cookies, [SessionTokenSource.Cookie, SessionTokenSource.Bearer], "c", out token, out source));
        Assert.Equal(("from-cookie", SessionTokenSource.Cookie), (token.ToString(), source));

        Assert.Equal(SessionTokenRead.Found, SessionTokenReader.Read(default, cookies, BearerThenCookie, "c", out token, out _));
        Assert.Equal("from-cookie", token.ToString());
        Assert.Equal(SessionTokenRead.None, SessionTokenReader.Read(default, cookies, [SessionTokenSource.Bearer], "c", out _, out _));
    }

    [Theory]
    [InlineData("c=%41bc", "%41bc")]          // not percent-decoded: one spelling per token
    [InlineData("cc=x; c=y", "y")]            // a cookie whose name merely starts with ours is not ours
    [InlineData("c=", "")]
    [InlineData("garbage;;; =;c", "")]
    public void Cookies_are_read_exactly_as_sent(string header, string expected)
    {
        Assert.Equal(expected, SessionTokenReader.ReadCookie(new StringValues(header), "c").ToString());
    }

    [Theory]
    [InlineData("GET", "cross-site", null, false)]
    [InlineData("POST", "same-origin", null, false)]
    [InlineData("POST", "none", null, false)]
    [InlineData("POST", "cross-site", null, true)]
    [InlineData("POST", "same-site", null, true)]
    [InlineData("DELETE", null, "https://evil.example", true)]
    [InlineData("DELETE", null, "https://app.example", false)]
    [InlineData("PUT", null, null, false)]
    public void Unsafe_cross_site_requests_are_recognised(string method, string? fetchSite, string? origin, bool crossSite)
    {
        var site = fetchSite is null ? StringValues.Empty : new StringValues(fetchSite);
        var from = origin is null ? StringValues.Empty : new StringValues(origin);
        Assert.Equal(crossSite, CrossSiteRequest.IsUnsafe(method, site, from, "https", "app.example"));
    }

    [Fact]
    public void Every_failure_reason_has_a_tag_a_text_and_a_challenge()
    {
        foreach (var reason in Enum.GetValues<SessionFailureReason>())
        {
            Assert.False(string.IsNullOrEmpty(SessionFailureReasons.MetricTag(reason)));
            Assert.False(string.IsNullOrEmpty(SessionFailureReasons.LogText(reason)));
            Assert.Equal(reason, SessionFailureReasons.Of(SessionFailureReasons.Result(reason)));
            Assert.InRange(SessionFailureReasons.Challenge(reason).Status, 401, 503);
        }

        Assert.Equal((401, "Bearer"), SessionFailureReasons.Challenge(null));
        Assert.Equal(403, SessionFailureReasons.Challenge(SessionFailureReason.CrossSiteRequest).Status);
        Assert.Equal(503, SessionFailureReasons.Challenge(SessionFailureReason.StoreUnavailable).Status);
    }

    [Theory]
    [InlineData(0.2, "1")]
    [InlineData(5, "5")]
    [InlineData(5.1, "6")]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one(double seconds, string expected)
    {
        var response = new DefaultHttpContext().Response;
        StoreUnavailableAnswer.Write(response, TimeSpan.FromSeconds(seconds));
        Assert.Equal(503, response.StatusCode);
        Assert.Equal(expected, response.Headers.RetryAfter.ToString());
    }
}
