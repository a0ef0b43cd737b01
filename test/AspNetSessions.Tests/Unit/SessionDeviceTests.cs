namespace AspNetSessions.Tests.Unit;

/// <summary>The device a session names (<see cref="SessionDevice"/>): a coarse user-agent family and a keyed hash, never the IP.</summary>
public sealed class SessionDeviceTests
{
    private const string ChromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    [Theory]
    [InlineData(ChromeOnWindows, "Chrome on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux")]
    [InlineData("curl/8.5.0", "curl on another system")]
    public void The_family_is_the_browser_and_system_without_versions(string userAgent, string family) =>
        Assert.Equal(family, SessionDevice.Family(Metadata(userAgent)));

    [Fact]
    public void Nothing_recorded_names_no_device()
    {
        Assert.Null(SessionDevice.Fingerprint("alice", SessionMaps.Empty));
        Assert.Null(SessionDevice.Fingerprint("alice", Metadata(userAgent: null, ip: "203.0.113.7")));
        Assert.Null(SessionDevice.Family(Metadata(userAgent: null, deviceId: "device-0123456789abcdef")));
    }

    [Fact]
    public void The_fingerprint_survives_an_update_and_a_new_network_but_not_a_new_device_cookie_or_another_user()
    {
        var home = SessionDevice.Fingerprint("alice", Metadata(ChromeOnWindows, ip: "203.0.113.7"));

        Assert.Equal(home, SessionDevice.Fingerprint("alice", Metadata(ChromeOnWindows.Replace("131.0", "132.0", StringComparison.Ordinal), ip: "198.51.100.20")));
        Assert.NotEqual(home, SessionDevice.Fingerprint("alice", Metadata(ChromeOnWindows, ip: "203.0.113.7", deviceId: "device-0123456789abcdef")));
        Assert.NotEqual(home, SessionDevice.Fingerprint("bob", Metadata(ChromeOnWindows, ip: "203.0.113.7")));
    }

    [Fact]
    public void The_fingerprint_shows_neither_the_device_id_nor_the_address()
    {
        var fingerprint = SessionDevice.Fingerprint("alice", Metadata(ChromeOnWindows, ip: "203.0.113.7", deviceId: "device-0123456789abcdef"))!;

        Assert.Equal(24, fingerprint.Length); // 16 bytes of SHA-256, base64
        Assert.DoesNotContain("device", fingerprint, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.7", fingerprint, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Metadata(string? userAgent, string? ip = null, string? deviceId = null)
    {
        var metadata = new Dictionary<string, string>();
        if (userAgent is not null)
        {
            metadata[SessionMetadataKeys.UserAgent] = userAgent;
        }

        if (ip is not null)
        {
            metadata[SessionMetadataKeys.IpAddress] = ip;
        }

        if (deviceId is not null)
        {
            metadata[SessionMetadataKeys.DeviceId] = deviceId;
        }

        return metadata;
    }
}
