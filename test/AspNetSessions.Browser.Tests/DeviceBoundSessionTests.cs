using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspNetSessions.Browser.Tests;

/// <summary>
/// Device-bound sessions (DBSC) with real headless Chromium: the sample over https://localhost with a throwaway
/// certificate Chromium trusts by its key (<c>--ignore-certificate-errors-spki-list</c>; DBSC ignores plain-http
/// localhost and any response with a certificate error), and DBSC enabled as chrome://flags "For developers" does,
/// with Chromium's software keys instead of a TPM.
/// </summary>
public sealed class DeviceBoundSessionTests : IAsyncLifetime
{
    private const string Features =
        "DeviceBoundSessions:RequireOriginTrialTokens/false/RefreshQuota/false/CheckSubdomainRegistration/false/OriginTrialFeedback/true/SchemaVersion/2,"
        + "EnableBoundSessionCredentialsSoftwareKeysForManualTesting";

    private X509Certificate2 _certificate = null!;
    private KestrelSampleApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var spki = Convert.ToBase64String(SHA256.HashData(_certificate.PublicKey.ExportSubjectPublicKeyInfo()));

        Assertions.SetDefaultExpectTimeout(10_000);
        _app = KestrelSampleApp.Start(_certificate);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--ignore-certificate-errors-spki-list=" + spki, "--enable-features=" + Features,
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Chromium_registers_its_key_on_sign_in_and_then_opens_the_device_bound_page()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.BaseUrl });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/device");
        Assert.NotEqual(200, await StatusAsync(page, "/account/device"));

        await page.GotoAsync("/");
        await page.GetByLabel("Username").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync("alice-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The browser answers Secure-Session-Registration in the background: poll until the session is bound.
        // (The page is not asserted before that: a request the page sent with the pre-registration cookies that
        // reaches the server after the binding is refused with 401, so the page may first show "signed out".)
        var status = 0;
        for (var attempt = 0; attempt < 100 && status != 200; attempt++)
        {
            status = await StatusAsync(page, "/account/device");
            if (status != 200)
            {
                await page.WaitForTimeoutAsync(100);
            }
        }

        Assert.Equal(200, status);
        await page.ReloadAsync();
        await Expect(page.GetByText("Signed in as alice")).ToBeVisibleAsync();
        Assert.Equal(200, await StatusAsync(page, "/api/me"));
        await context.CloseAsync();
    }

    private static Task<int> StatusAsync(IPage page, string path) =>
        page.EvaluateAsync<int>("async p => (await fetch(p, { credentials: 'same-origin', redirect: 'manual' })).status", path);
}
