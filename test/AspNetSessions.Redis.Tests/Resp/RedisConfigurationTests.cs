using AspNetSessions.Redis.Resp;

namespace AspNetSessions.Redis.Tests.Resp;

public sealed class RedisConfigurationTests
{
    [Fact]
    public void Defaults()
    {
        var configuration = RedisConfiguration.Parse("localhost");

        Assert.Equal(new RedisEndPoint("localhost", 6379), configuration.EndPoint);
        Assert.Null(configuration.User);
        Assert.Null(configuration.Password);
        Assert.False(configuration.Ssl);
        Assert.Null(configuration.SslHost);
        Assert.Equal(0, configuration.DefaultDatabase);
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.SyncTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.AsyncTimeout);
        Assert.Null(configuration.ClientName);
        Assert.False(configuration.AbortConnect);
        Assert.Equal(TimeSpan.FromSeconds(60), configuration.KeepAlive);
        Assert.Equal(3, configuration.ConnectRetry);
    }

    [Fact]
    public void Parses_every_key()
    {
        var configuration = RedisConfiguration.Parse(
            "redis.example:6380,password=s3cret,user=app,ssl=true,sslHost=cache.example,defaultDatabase=4," +
            "connectTimeout=1500,syncTimeout=2500,asyncTimeout=3500,name=sessions,abortConnect=false,keepAlive=30,connectRetry=5");

        Assert.Equal(new RedisEndPoint("redis.example", 6380), configuration.EndPoint);
        Assert.Equal("s3cret", configuration.Password);
        Assert.Equal("app", configuration.User);
        Assert.True(configuration.Ssl);
        Assert.Equal("cache.example", configuration.SslHost);
        Assert.Equal(4, configuration.DefaultDatabase);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), configuration.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), configuration.SyncTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(3500), configuration.AsyncTimeout);
        Assert.Equal("sessions", configuration.ClientName);
        Assert.False(configuration.AbortConnect);
        Assert.Equal(TimeSpan.FromSeconds(30), configuration.KeepAlive);
        Assert.Equal(5, configuration.ConnectRetry);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_whitespace_is_trimmed()
    {
        var configuration = RedisConfiguration.Parse(" 127.0.0.1:7000 , PASSWORD = pw , Ssl=TRUE, defaultdatabase=2 ");

        Assert.Equal(new RedisEndPoint("127.0.0.1", 7000), configuration.EndPoint);
        Assert.Equal("pw", configuration.Password);
        Assert.True(configuration.Ssl);
        Assert.Equal(2, configuration.DefaultDatabase);
    }

    [Fact]
    public void Async_timeout_defaults_to_sync_timeout()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(800), RedisConfiguration.Parse("h,syncTimeout=800").AsyncTimeout);
    }

    [Theory]
    [InlineData("[::1]:6380", "::1", 6380)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("::1", "::1", 6379)]
    [InlineData("10.0.0.1", "10.0.0.1", 6379)]
    [InlineData("host:1", "host", 1)]
    [InlineData("host:65535", "host", 65535)]
    public void Parses_endpoints(string text, string host, int port)
    {
        Assert.Equal(new RedisEndPoint(host, port), RedisConfiguration.Parse(text).EndPoint);
    }

    [Fact]
    public void Accepts_several_endpoints_and_uses_the_first()
    {
        var configuration = RedisConfiguration.Parse("a:1,b:2,password=x");

        Assert.Equal(2, configuration.EndPoints.Count);
        Assert.Equal(new RedisEndPoint("a", 1), configuration.EndPoint);
    }

    [Fact]
    public void Ipv6_endpoint_is_formatted_with_brackets()
    {
        Assert.Equal("[::1]:6379", new RedisEndPoint("::1", 6379).ToString());
    }

    [Fact]
    public void Unknown_keys_are_named_with_the_supported_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse("localhost,allowAdmin=true,pasword=hunter2,ssl=false"));

        Assert.Contains("'allowAdmin'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'pasword'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        foreach (var key in RedisConfiguration.SupportedKeys)
        {
            Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ssl=maybe", "ssl")]
    [InlineData("abortConnect=1", "abortConnect")]
    [InlineData("defaultDatabase=-1", "defaultDatabase")]
    [InlineData("defaultDatabase=x", "defaultDatabase")]
    [InlineData("connectTimeout=0", "connectTimeout")]
    [InlineData("connectTimeout=fast", "connectTimeout")]
    [InlineData("syncTimeout=-5", "syncTimeout")]
    [InlineData("asyncTimeout=", "asyncTimeout")]
    [InlineData("keepAlive=-1", "keepAlive")]
    [InlineData("connectRetry=many", "connectRetry")]
    [InlineData("name=has space", "name")]
    public void Bad_values_name_the_key(string option, string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse("localhost," + option));

        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:abc")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData(":6379")]
    public void Bad_endpoints_are_rejected(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse(text));
        Assert.Contains("endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData("password=x")]
    public void Missing_endpoint_is_rejected(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse(text));
        Assert.Contains("endpoint", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("=x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Password_never_appears_in_ToString()
    {
        var configuration = RedisConfiguration.Parse("localhost:6379,user=app,password=hunter2,name=svc");

        var text = configuration.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("password=*****", text, StringComparison.Ordinal);
        Assert.Contains("user=app", text, StringComparison.Ordinal);
        Assert.Contains("localhost:6379", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_round_trips_everything_but_the_password()
    {
        var original = RedisConfiguration.Parse(
            "[::1]:6380,user=u,ssl=true,sslHost=h,defaultDatabase=3,connectTimeout=100,syncTimeout=200,asyncTimeout=300,name=n,abortConnect=true,keepAlive=7,connectRetry=1");

        var reparsed = RedisConfiguration.Parse(original.ToString());

        Assert.Equal(original with { EndPoints = reparsed.EndPoints }, reparsed);
        Assert.Equal(original.EndPoint, reparsed.EndPoint);
    }

    [Fact]
    public void Script_hash_is_the_lowercase_sha1_hex_of_the_utf8_text()
    {
        var script = new RedisScript("return 1");

        Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", script.Sha1);
        Assert.Equal(script.Sha1, System.Text.Encoding.ASCII.GetString(script.Sha1Utf8.Span));
    }
}
