using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Principal;
using System.Text.Json;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The behaviours ASP.NET Core checks of its own cookie handler (<c>src/Security/Authentication/test/CookieTests.cs</c> in
/// dotnet/aspnetcore), checked of our cookie mode: each test re-expresses one anchor test's intent (named in its comment)
/// on a minimal TestServer host of its own, with a <see cref="FakeTimeProvider"/>. Where our semantics differ by design (the
/// cookie holds an opaque token, the session lives on the server) the test checks the equivalent guarantee and says so;
/// docs/cookie-migration.md lists the anchor tests that cannot apply.
/// </summary>
public sealed class CookieParityTests
{
    private const string Scheme = SessionAuthenticationDefaults.AuthenticationScheme;
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    // ---- challenge, forbid and XHR ------------------------------------------------------------------------------

    [Fact] // NormalRequestPassesThrough
    public async Task A_request_without_a_cookie_passes_through_untouched()
    {
        await using var host = await Host.StartAsync();
        var t = await host.SendAsync("/normal");
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Null(t.SetCookie);
    }

    [Fact] // AjaxLoginRedirectToReturnUrlTurnsInto200WithLocationHeader (query form of X-Requested-With)
    public async Task An_xhr_challenge_is_401_with_the_login_url_in_Location()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/login");
        var t = await host.SendAsync("/challenge?X-Requested-With=XMLHttpRequest");
        Assert.Equal(HttpStatusCode.Unauthorized, t.Response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", Assert.Single(t.Response.Headers.GetValues("Location")), StringComparison.Ordinal);
        Assert.True(t.Response.Headers.Contains("WWW-Authenticate"));
    }

    [Fact] // AjaxLoginRedirectToReturnUrlTurnsInto200WithLocationHeader (header form, as XHR libraries send it)
    public async Task An_xhr_challenge_by_header_is_401_with_the_login_url_in_Location()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/login");
        var t = await host.SendAsync("/challenge", configure: r => r.Headers.Add("X-Requested-With", "XMLHttpRequest"));
        Assert.Equal(HttpStatusCode.Unauthorized, t.Response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fchallenge", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // AjaxForbidTurnsInto403WithLocationHeader
    public async Task An_xhr_forbid_is_403_with_the_access_denied_url_in_Location()
    {
        await using var host = await Host.StartAsync(o => o.AccessDeniedPath = "/denied");
        var t = await host.SendAsync("/forbid?X-Requested-With=XMLHttpRequest");
        Assert.Equal(HttpStatusCode.Forbidden, t.Response.StatusCode);
        Assert.StartsWith("/denied?ReturnUrl=", Assert.Single(t.Response.Headers.GetValues("Location")), StringComparison.Ordinal);
    }

    [Fact] // AjaxLogoutRedirectToReturnUrlTurnsInto200WithLocationHeader (adapted: no LogoutPath; the RedirectUri of the sign-out)
    public async Task An_xhr_sign_out_with_a_RedirectUri_keeps_200_and_gets_Location()
    {
        await using var host = await Host.StartAsync(testpath: c => c.SignOutAsync(Scheme, new AuthenticationProperties { RedirectUri = "/" }));
        var t = await host.SendAsync("/testpath?X-Requested-With=XMLHttpRequest");
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Equal("/", Assert.Single(t.Response.Headers.GetValues("Location")));
    }

    [Fact] // AjaxChallengeRedirectTurnsInto200WithLocationHeader (adapted: no default LoginPath, so an API client keeps its plain 401)
    public async Task Without_LoginPath_an_xhr_challenge_is_a_plain_401_with_its_challenge()
    {
        await using var host = await Host.StartAsync();
        var t = await host.SendAsync("/challenge?X-Requested-With=XMLHttpRequest&ReturnUrl=/");
        Assert.Equal(HttpStatusCode.Unauthorized, t.Response.StatusCode);
        Assert.Null(t.Response.Headers.Location);
        Assert.Equal("Bearer", Assert.Single(t.Response.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact] // ProtectedCustomRequestShouldRedirectToCustomRedirectUri
    public async Task A_navigation_challenge_with_a_RedirectUri_sends_it_as_the_return_url()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/Account/Login");
        var t = await host.SendAsync("/protected/CustomRedirect", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FCustomRedirect", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // CookieChallengeRedirectsToLoginWithoutCookie
    public async Task A_navigation_challenge_without_a_cookie_redirects_to_LoginPath()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/Account/Login");
        var t = await host.SendAsync("/challenge", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fchallenge", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // CookieForbidRedirectsWithoutCookie
    public async Task A_navigation_forbid_redirects_to_AccessDeniedPath()
    {
        await using var host = await Host.StartAsync(o => o.AccessDeniedPath = "/Account/AccessDenied");
        var t = await host.SendAsync("/forbid", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/Account/AccessDenied", t.Response.Headers.Location?.OriginalString.Split('?')[0]);
    }

    [Fact] // CookieChallengeRedirectsWithLoginPath
    public async Task A_navigation_challenge_with_a_revoked_cookie_redirects_to_LoginPath()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/page", SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        await host.SendAsync("/signout", signedIn.CookieNameValue, m => m.Method = HttpMethod.Post);
        var t = await host.SendAsync("/challenge", signedIn.CookieNameValue, Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
    }

    [Fact] // CookieChallengeWithUnauthorizedRedirectsToLoginIfNotAuthenticated
    public async Task A_challenge_with_empty_properties_redirects_a_navigation_to_LoginPath()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/page");
        var t = await host.SendAsync("/unauthorized", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/page?ReturnUrl=%2Funauthorized", t.Response.Headers.Location?.OriginalString);
    }

    [Theory] // MapWillAffectChallengeOnlyWithUseAuth
    [InlineData(true, "/page")]
    [InlineData(false, "/login/page")]
    public async Task The_login_redirect_uses_the_PathBase_authentication_saw(bool authenticationBeforeMap, string expected)
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/page", pipeline: app =>
        {
            if (authenticationBeforeMap)
            {
                app.UseAuthentication();
            }
            else
            {
                ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true; // WebApplication would otherwise add it in front of everything
            }

            app.Map("/login", branch => branch.Run(c => c.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = "/" })));
        });
        var t = await host.SendAsync("/login", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal(expected + "?ReturnUrl=%2F", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // NestedMapWillNotAffectLogin
    public async Task A_challenge_in_a_nested_Map_redirects_under_the_outer_PathBase()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/page", pipeline: app => app.Map("/base", map =>
        {
            map.UseAuthentication();
            map.Map("/login", branch => branch.Run(c => c.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = "/" })));
        }));
        var t = await host.SendAsync("/base/login", configure: Navigate);
        Assert.Equal("/base/page?ReturnUrl=%2F", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // MapWillNotAffectAccessDenied
    public async Task A_forbid_inside_Map_redirects_to_the_apps_AccessDeniedPath()
    {
        await using var host = await Host.StartAsync(o => o.AccessDeniedPath = "/denied", pipeline: app =>
        {
            app.UseAuthentication();
            app.Map("/forbid", branch => branch.Run(c => c.ForbidAsync(Scheme)));
        });
        var t = await host.SendAsync("/forbid", configure: Navigate);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/denied?ReturnUrl=%2Fforbid", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // NestedMapWillNotAffectAccessDenied
    public async Task A_forbid_in_a_nested_Map_redirects_under_the_outer_PathBase()
    {
        await using var host = await Host.StartAsync(o => o.AccessDeniedPath = "/denied", pipeline: app => app.Map("/base", map =>
        {
            map.UseAuthentication();
            map.Map("/forbid", branch => branch.Run(c => c.ForbidAsync(Scheme)));
        }));
        var t = await host.SendAsync("/base/forbid", configure: Navigate);
        Assert.Equal("/base/denied?ReturnUrl=%2Fbase%2Fforbid", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // (PathBase) the return URL of a challenge under UsePathBase keeps the PathBase
    public async Task A_challenge_under_a_PathBase_returns_to_the_full_path()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/login", pathBase: "/app");
        var t = await host.SendAsync("/app/challenge?x=1", configure: Navigate);
        Assert.Equal("/app/login?ReturnUrl=%2Fapp%2Fchallenge%3Fx%3D1", t.Response.Headers.Location?.OriginalString);
    }

    // ---- the cookie itself --------------------------------------------------------------------------------------

    [Fact] // SignInCausesDefaultCookieToBeCreated (adapted: Secure is our default, and HttpOnly cannot be switched off)
    public async Task Sign_in_sets_the_cookie_with_its_attributes_and_no_cache_headers()
    {
        await using var host = await Host.StartAsync(o => { o.LoginPath = "/login"; o.Cookie.Name = "TestCookie"; }, SignInAsAlice);
        var t = await host.SendAsync("/testpath");
        var setCookie = t.SetCookie!;
        Assert.StartsWith("TestCookie=sess_", setCookie, StringComparison.Ordinal);
        Assert.Contains("; path=/", setCookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", setCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("; expires=", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("; domain=", setCookie, StringComparison.Ordinal);
        AssertNoCache(t.Response);
    }

    [Fact] // SignInCausesDefaultCookieToBeCreated (the default name)
    public async Task The_default_cookie_is_a_host_only_secure_cookie()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice);
        var t = await host.SendAsync("/testpath");
        Assert.StartsWith("__Host-session=sess_", t.SetCookie, StringComparison.Ordinal);
        Assert.Contains("; path=/;", t.SetCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // SettingCookieExpirationOptionThrows
    public async Task Setting_Cookie_Expiration_is_a_startup_error_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => Host.StartAsync(o => o.Cookie.Expiration = TimeSpan.FromDays(10)));
        Assert.Contains("SessionAuthenticationOptions.Cookie:Expiration (scheme 'Session') is not used", error.Message, StringComparison.Ordinal);
    }

    [Fact] // SignInWrongAuthTypeThrows
    public async Task Signing_in_to_an_unregistered_scheme_throws()
    {
        await using var host = await Host.StartAsync(testpath: c => c.SignInAsync("Oops", Alice()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.SendAsync("/testpath"));
    }

    [Fact] // SignOutWrongAuthTypeThrows
    public async Task Signing_out_of_an_unregistered_scheme_throws()
    {
        await using var host = await Host.StartAsync(testpath: c => c.SignOutAsync("Oops"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.SendAsync("/testpath"));
    }

    [Theory] // SecureSignInCausesSecureOnlyCookieByDefault
    [InlineData(CookieSecurePolicy.Always, "http://example.com/testpath", true)]
    [InlineData(CookieSecurePolicy.Always, "https://example.com/testpath", true)]
    [InlineData(CookieSecurePolicy.None, "http://example.com/testpath", false)]
    [InlineData(CookieSecurePolicy.None, "https://example.com/testpath", false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http://example.com/testpath", false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "https://example.com/testpath", true)]
    public async Task Cookie_SecurePolicy_decides_the_Secure_attribute(CookieSecurePolicy policy, string url, bool secure)
    {
        await using var host = await Host.StartAsync(o => { o.Cookie.Name = "TestCookie"; o.Cookie.SecurePolicy = policy; }, SignInAsAlice);
        var t = await host.SendAsync(url);
        Assert.Equal(secure, t.SetCookie!.Contains("; secure", StringComparison.Ordinal));
    }

    [Fact] // CookieOptionsAlterSetCookieHeader (first host)
    public async Task Cookie_options_shape_the_Set_Cookie_header()
    {
        await using var host = await Host.StartAsync(o =>
        {
            o.Cookie.Name = "TestCookie";
            o.Cookie.Path = "/foo";
            o.Cookie.Domain = "another.com";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.None;
        }, SignInAsAlice, pathBase: "/base");
        var setCookie = (await host.SendAsync("/base/testpath")).SetCookie!;
        Assert.Contains("TestCookie=", setCookie, StringComparison.Ordinal);
        Assert.Contains(" path=/foo", setCookie, StringComparison.Ordinal);
        Assert.Contains(" domain=another.com", setCookie, StringComparison.Ordinal);
        Assert.Contains(" secure", setCookie, StringComparison.Ordinal);
        Assert.Contains(" samesite=none", setCookie, StringComparison.Ordinal);
        Assert.Contains(" httponly", setCookie, StringComparison.Ordinal);
    }

    [Fact] // CookieOptionsAlterSetCookieHeader (second host: SameSite=Strict, no Secure, the PathBase as path)
    public async Task A_strict_insecure_cookie_under_a_PathBase_gets_that_path()
    {
        await using var host = await Host.StartAsync(o =>
        {
            o.Cookie.Name = "SecondCookie";
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
            o.Cookie.SameSite = SameSiteMode.Strict;
        }, SignInAsAlice, pathBase: "/base");
        var setCookie = (await host.SendAsync("/base/testpath")).SetCookie!;
        Assert.Contains("SecondCookie=", setCookie, StringComparison.Ordinal);
        Assert.Contains(" path=/base", setCookie, StringComparison.Ordinal);
        Assert.Contains(" samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain(" domain=", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain(" secure", setCookie, StringComparison.Ordinal);
    }

    [Fact] // CookieOptionsAlterSetCookieHeader (HttpOnly = false: deliberately refused, a script-readable session cookie is an XSS away from theft)
    public async Task Cookie_HttpOnly_false_is_a_startup_error()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => Host.StartAsync(o => o.Cookie.HttpOnly = false));
        Assert.Contains("Cookie:HttpOnly", error.Message, StringComparison.Ordinal);
    }

    [Fact] // CookieUsesPathBaseByDefault
    public async Task The_cookie_path_defaults_to_the_PathBase()
    {
        await using var host = await Host.StartAsync(o => o.Cookie.Name = "TestCookie", c =>
        {
            Assert.Equal(new PathString("/base"), c.Request.PathBase);
            return SignInAsAlice(c);
        }, pathBase: "/base");
        var t = await host.SendAsync("/base/testpath");
        Assert.Contains("path=/base", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // CookieUsesPathBaseByDefault (a __Host- cookie is only accepted by browsers with path=/)
    public async Task A_host_prefixed_cookie_keeps_path_slash_under_a_PathBase()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice, pathBase: "/base");
        var t = await host.SendAsync("/base/testpath");
        Assert.Contains("; path=/;", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // CookieUsesPathBaseByDefault (sign-out deletes the cookie it set: same path)
    public async Task Sign_out_under_a_PathBase_deletes_the_cookie_on_its_path()
    {
        await using var host = await Host.StartAsync(o => o.Cookie.Name = "TestCookie", SignInAsAlice, pathBase: "/base");
        var signedIn = await host.SendAsync("/base/testpath");
        var t = await host.SendAsync("/base/signout", signedIn.CookieNameValue, m => m.Method = HttpMethod.Post);
        Assert.StartsWith("TestCookie=;", t.SetCookie, StringComparison.Ordinal);
        Assert.Contains("path=/base", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // CanConfigureDefaultCookieInstance
    public async Task The_default_schemes_cookie_can_be_configured_through_named_options()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice,
            services: s => s.Configure<SessionAuthenticationOptions>(Scheme, o => o.Cookie.Name = "One"));
        Assert.StartsWith("One=", (await host.SendAsync("/testpath")).SetCookie, StringComparison.Ordinal);
    }

    [Fact] // CanConfigureNamedCookieInstance
    public async Task A_named_schemes_cookie_can_be_configured_through_named_options()
    {
        await using var host = await Host.StartAsync(o => o.TokenSources = [SessionTokenSource.Bearer], c => c.SignInAsync("Cookie1", Alice()),
            services: s =>
            {
                s.AddAuthentication().AddSession("Cookie1", o => o.TokenPrefix = "one");
                s.Configure<SessionAuthenticationOptions>("Cookie1", o => o.Cookie.Name = "One");
            });
        var t = await host.SendAsync("/testpath");
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.StartsWith("One=one_", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // (two cookie kinds under one name: the second silently signed the browser out of the first)
    public async Task Two_cookie_kinds_with_the_same_cookie_name_are_a_startup_error_naming_both()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => Host.StartAsync(
            services: s => s.AddAuthentication().AddSession("Admin", o => o.TokenPrefix = "adm")));
        Assert.Contains("Cookie name '__Host-session' is used by several schemes (", error.Message, StringComparison.Ordinal);
        Assert.Contains("signing in to one would sign the browser out of the other", error.Message, StringComparison.Ordinal);
        Assert.Contains("SessionAuthenticationOptions.Cookie:Name (scheme 'Session')", error.Message, StringComparison.Ordinal);
        Assert.Contains("SessionAuthenticationOptions.Cookie:Name (scheme 'Admin')", error.Message, StringComparison.Ordinal);
    }

    [Fact] // (the same, where only one of the kinds reads cookies: no conflict)
    public async Task A_second_kind_that_reads_no_cookie_may_keep_the_default_cookie_name()
    {
        await using var host = await Host.StartAsync(
            services: s => s.AddAuthentication().AddSession("Keys", o => { o.TokenPrefix = "key"; o.TokenSources = [SessionTokenSource.Bearer]; }));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync("/normal")).Response.StatusCode);
    }

    // ---- identity and expiry ------------------------------------------------------------------------------------

    [Fact] // CookieContainsIdentity
    public async Task The_cookie_authenticates_as_the_signed_in_identity()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
        Assert.Equal("Alice", t.Claim(ClaimTypes.NameIdentifier));
        Assert.Equal("true", t.Claim("marker"));
    }

    [Fact] // CookieAppliesClaimsTransform
    public async Task Claims_transformation_applies_to_the_session_principal()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice, services: s => s.AddSingleton<IClaimsTransformation, Transformer>());
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me", signedIn.CookieNameValue);
        Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
        Assert.Equal("yup", t.Claim("xform"));
        Assert.Null(t.Claim("marker"));
    }

    [Fact] // CookieStopsWorkingAfterExpiration
    public async Task A_session_with_a_fixed_lifetime_stops_working_after_it()
    {
        await using var host = await Host.StartAsync(FixedTenMinutes, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t2 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(7));
        var t3 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(7));
        var t4 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Null(t2.SetCookie);
        Assert.Equal("Alice", t2.Claim(ClaimTypes.Name));
        Assert.Null(t3.SetCookie);
        Assert.Equal("Alice", t3.Claim(ClaimTypes.Name));
        Assert.Null(t4.SetCookie);
        Assert.Null(t4.Claim(ClaimTypes.Name));
    }

    [Fact] // CookieExpirationCanBeOverridenInSignin
    public async Task ExpiresUtc_at_sign_in_shortens_the_session()
    {
        await using var host = await Host.StartAsync(FixedTenMinutes);
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { ExpiresUtc = Start.AddMinutes(5) });
        var signedIn = await host.SendAsync("/testpath");
        var t2 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(3));
        var t3 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(3));
        var t4 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice", t2.Claim(ClaimTypes.Name));
        Assert.Equal("Alice", t3.Claim(ClaimTypes.Name));
        Assert.Null(t4.Claim(ClaimTypes.Name));
    }

    [Fact] // CookieExpirationCanBeOverridenInSignin (ours: ExpiresUtc never extends past AbsoluteTimeout)
    public async Task ExpiresUtc_at_sign_in_never_extends_the_session()
    {
        await using var host = await Host.StartAsync(FixedTenMinutes);
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { ExpiresUtc = Start.AddHours(1) });
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Fact] // ExpiredCookieWithValidatorStillExpired
    public async Task An_expired_session_stays_expired_whatever_the_validator_wants()
    {
        var calls = 0;
        await using var host = await Host.StartAsync(o =>
        {
            FixedTenMinutes(o);
            o.Events.OnValidateSession = c => { calls++; c.ShouldRenew = true; return Task.CompletedTask; };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromMinutes(11));
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Null(t.SetCookie);
        Assert.Null(t.Claim(ClaimTypes.Name));
        Assert.Equal(0, calls);
    }

    [Fact] // CookieIsRenewedWithSlidingExpiration (ours: the expiry slides on the server; a browser-session cookie needs no re-issue)
    public async Task Sliding_keeps_an_active_session_alive_without_rewriting_a_browser_session_cookie()
    {
        await using var host = await Host.StartAsync(SlidingTenMinutes, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        foreach (var _ in Enumerable.Range(0, 4))
        {
            host.Time.Advance(TimeSpan.FromMinutes(4));
            var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
            Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
            Assert.Null(t.SetCookie);
        }

        host.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Fact] // CookieIsRenewedWithSlidingExpiration (persistent, no absolute cap: the cookie's Expires follows the slide)
    public async Task A_persistent_sliding_cookie_without_an_absolute_cap_is_reissued_as_the_session_slides()
    {
        await using var host = await Host.StartAsync(SlidingTenMinutes);
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { IsPersistent = true });
        var signedIn = await host.SendAsync("/testpath");
        Assert.Contains("expires=" + Start.AddMinutes(10).ToString("R"), signedIn.SetCookie, StringComparison.OrdinalIgnoreCase);

        // Active every 4 minutes for an hour: each slide writes the cookie again, so the browser never drops it early.
        var cookie = signedIn.CookieNameValue;
        for (var minute = 4; minute <= 60; minute += 4)
        {
            host.Time.Advance(TimeSpan.FromMinutes(4));
            var t = await host.SendAsync("/me/Session", cookie);
            Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
            Assert.Equal(cookie, t.CookieNameValue); // the same token: only Expires moves
            Assert.Contains("expires=" + Start.AddMinutes(minute + 10).ToString("R"), t.SetCookie, StringComparison.OrdinalIgnoreCase);
            AssertNoCache(t.Response);
        }
    }

    [Fact] // CookieIsRenewedWithSlidingExpiration (not before the slide is due: no Set-Cookie on every request)
    public async Task A_persistent_sliding_cookie_is_not_rewritten_between_slides()
    {
        await using var host = await Host.StartAsync(o => { SlidingTenMinutes(o); o.SlidingGranularity = TimeSpan.FromMinutes(1); });
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { IsPersistent = true });
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).SetCookie);
        host.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).SetCookie);
    }

    [Fact] // CookieIsRenewedWithSlidingExpiration (an absolute cap is the persistent cookie's Expires: nothing to re-issue)
    public async Task A_persistent_cookie_with_an_absolute_cap_lasts_until_it_and_is_not_rewritten()
    {
        await using var host = await Host.StartAsync(o => { o.IdleTimeout = TimeSpan.FromMinutes(10); o.AbsoluteTimeout = TimeSpan.FromHours(8); });
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { IsPersistent = true });
        var signedIn = await host.SendAsync("/testpath");
        Assert.Contains("expires=" + Start.AddHours(8).ToString("R"), signedIn.SetCookie, StringComparison.OrdinalIgnoreCase);
        host.Time.Advance(TimeSpan.FromMinutes(6));
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
        Assert.Null(t.SetCookie);
    }

    // ---- OnValidateSession (OnValidatePrincipal) -----------------------------------------------------------------

    [Fact] // CookieCanBeRejectedAndSignedOutByValidator
    public async Task A_validator_that_rejects_and_signs_out_revokes_the_session_and_clears_the_cookie()
    {
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = async c =>
        {
            c.RejectPrincipal();
            await c.HttpContext.SignOutAsync(Scheme);
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.StartsWith("__Host-session=;", t.SetCookie, StringComparison.Ordinal);
        Assert.Null(t.Claim(ClaimTypes.Name));
        Assert.Equal(0, await host.Sessions.CountAsync(new SessionFilter { UserId = "Alice" }));
        AssertNoCache(t.Response);
    }

    [Fact] // CookieCanBeRejectedAndSignedOutByValidator (signing out after an await: the authentication is then in flight, and must not be awaited by itself)
    public async Task A_validator_that_signs_out_after_an_await_ends_the_request_normally()
    {
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = async c =>
        {
            await Task.Yield();
            await c.HttpContext.SignOutAsync(Scheme);
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me", signedIn.CookieNameValue).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Null(t.Claim(ClaimTypes.Name)); // signed out while validating: not authenticated, even without RejectPrincipal
        Assert.Equal(0, await host.Sessions.CountAsync(new SessionFilter { UserId = "Alice" }));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync("/normal", signedIn.CookieNameValue)).Response.StatusCode);
    }

    [Fact] // CookieCanBeRejectedAndSignedOutByValidator (a challenge from inside the validator neither recurses nor hangs)
    public async Task A_validator_that_challenges_does_not_recurse()
    {
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = async c =>
        {
            await c.HttpContext.ChallengeAsync(Scheme);
            c.RejectPrincipal();
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(t.Claim(ClaimTypes.Name));
    }

    [Fact] // CookieNotRenewedAfterSignOut
    public async Task Sign_out_wins_over_a_renewal_in_the_same_request()
    {
        await using var host = await Host.StartAsync(o =>
        {
            SlidingTenMinutes(o);
            o.Events.OnValidateSession = c => { c.ShouldRenew = true; return Task.CompletedTask; };
        });
        host.SignIn = c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { IsPersistent = true });
        var signedIn = await host.SendAsync("/testpath");

        var renewed = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.NotNull(renewed.SetCookie); // renews on every request
        Assert.Equal("Alice", renewed.Claim(ClaimTypes.Name));

        var signedOut = await host.SendAsync("/signout", signedIn.CookieNameValue, m => m.Method = HttpMethod.Post);
        var setCookie = Assert.Single(signedOut.Response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-session=;", setCookie, StringComparison.Ordinal);
    }

    [Fact] // CookieCanBeRenewedByValidator (ours: renewal moves the expiry even between throttled slides)
    public async Task A_validator_renewal_extends_the_session_between_slides()
    {
        var renew = false;
        await using var host = await Host.StartAsync(o =>
        {
            SlidingTenMinutes(o);
            o.SlidingGranularity = TimeSpan.FromMinutes(5);
            o.Events.OnValidateSession = c => { c.ShouldRenew = renew; return Task.CompletedTask; };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromMinutes(4));
        renew = true;
        Assert.Equal("Alice", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
        renew = false;
        host.Time.Advance(TimeSpan.FromMinutes(9)); // 13 minutes after sign-in, 9 after the renewal
        Assert.Equal("Alice", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Fact] // CookieCanBeRenewedByValidator (a kind with a fixed lifetime: renewal never extends it)
    public async Task A_validator_renewal_never_extends_a_fixed_lifetime()
    {
        await using var host = await Host.StartAsync(o =>
        {
            FixedTenMinutes(o);
            o.Events.OnValidateSession = c => { c.ShouldRenew = true; return Task.CompletedTask; };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("Alice", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
        host.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Fact] // CookieCanBeReplacedByValidator
    public async Task A_principal_replaced_with_ShouldRenew_is_stored_with_the_session()
    {
        var replace = true;
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = c =>
        {
            if (replace)
            {
                c.ShouldRenew = true;
                c.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(new GenericIdentity("Alice2", "Cookies2"))));
            }

            return Task.CompletedTask;
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        Assert.Equal("Alice2", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
        replace = false;
        var later = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice2", later.Claim(ClaimTypes.Name));
        Assert.Equal("Alice", later.Claim(ClaimTypes.NameIdentifier)); // the session's user never changes
    }

    [Fact] // CookieCanBeUpdatedByValidatorDuringRefresh (first half: without ShouldRenew, a change lasts for one request)
    public async Task A_principal_replaced_without_ShouldRenew_lasts_for_this_request_only()
    {
        var replace = true;
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = c =>
        {
            if (replace)
            {
                c.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(new GenericIdentity("Alice2", "Cookies2"))));
                c.Properties.Items["updated"] = "yes";
            }

            return Task.CompletedTask;
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice2", t.Claim(ClaimTypes.Name));
        Assert.Equal("yes", t.Item("updated"));
        replace = false;
        var later = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice", later.Claim(ClaimTypes.Name));
        Assert.Null(later.Item("updated"));
    }

    [Fact] // CookieCanBeUpdatedByValidatorDuringRefresh
    public async Task Items_and_principal_written_with_ShouldRenew_are_persisted()
    {
        var replace = false;
        await using var host = await Host.StartAsync(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(10);
            o.Events.OnValidateSession = c =>
            {
                if (replace)
                {
                    c.ShouldRenew = true;
                    c.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(new GenericIdentity("Alice2", "Cookies2"))));
                    c.Properties.Items["updated"] = "yes";
                }

                return Task.CompletedTask;
            };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t2 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice", t2.Claim(ClaimTypes.Name));
        Assert.Null(t2.Item("updated"));

        replace = true;
        var t4 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice2", t4.Claim(ClaimTypes.Name));
        Assert.Equal("yes", t4.Item("updated"));

        replace = false;
        var t5 = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("Alice2", t5.Claim(ClaimTypes.Name));
        Assert.Equal("yes", t5.Item("updated"));
    }

    [Fact] // CookieCanBeRenewedByValidatorWithSlidingExpiry
    public async Task A_renewing_validator_keeps_an_active_sliding_session_until_it_idles_out()
    {
        await using var host = await Host.StartAsync(o =>
        {
            SlidingTenMinutes(o);
            o.Events.OnValidateSession = c => { c.ShouldRenew = true; return Task.CompletedTask; };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        foreach (var minutes in new[] { 0, 5, 6 })
        {
            host.Time.Advance(TimeSpan.FromMinutes(minutes));
            Assert.Equal("Alice", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
        }

        host.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Fact] // CookieCanBeRenewedByValidatorWithModifiedProperties
    public async Task Claims_changed_in_place_by_a_renewing_validator_accumulate()
    {
        await using var host = await Host.StartAsync(o =>
        {
            SlidingTenMinutes(o);
            o.Events.OnValidateSession = c =>
            {
                c.ShouldRenew = true;
                var identity = c.Principal!.Identities.First();
                var counter = identity.FindFirst("counter");
                if (counter is not null)
                {
                    identity.RemoveClaim(counter);
                }

                identity.AddClaim(new Claim("counter", (counter?.Value ?? string.Empty) + "1"));
                return Task.CompletedTask;
            };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        Assert.Equal("1", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim("counter"));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("11", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim("counter"));
        host.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("111", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim("counter"));
        host.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim("counter"));
    }

    [Fact] // CookieValidatorOnlyCalledOnce
    public async Task The_validator_runs_once_per_request()
    {
        var calls = 0;
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = c => { calls++; return Task.CompletedTask; }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        await host.SendAsync("/me/Session", signedIn.CookieNameValue); // the middleware's AuthenticateAsync, then the endpoint's
        Assert.Equal(1, calls);
    }

    [Fact] // ShouldRenewUpdatesIssuedExpiredUtc (and the context carries what cookie authentication's does)
    public async Task The_validator_sees_IssuedUtc_ExpiresUtc_IsPersistent_and_the_stored_items()
    {
        AuthenticationProperties? seen = null;
        await using var host = await Host.StartAsync(o => { SlidingTenMinutes(o); o.Events.OnValidateSession = c => { seen = c.Properties; return Task.CompletedTask; }; });
        host.SignIn = c =>
        {
            var properties = new AuthenticationProperties { IsPersistent = true };
            properties.Items["tenant"] = "blue";
            return c.SignInAsync(Scheme, Alice(), properties);
        };
        var signedIn = await host.SendAsync("/testpath");
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.NotNull(seen);
        Assert.Equal(Start, seen.IssuedUtc);
        Assert.Equal(Start.AddMinutes(12), seen.ExpiresUtc);
        Assert.True(seen.IsPersistent);
        Assert.Equal("blue", seen.Items["tenant"]);
    }

    [Theory] // ShouldRenewUpdatesIssuedExpiredUtc (ours: IssuedUtc is the session's creation and stays; ExpiresUtc moves)
    [InlineData(true)]
    [InlineData(false)]
    public async Task Renewal_moves_ExpiresUtc_and_keeps_IssuedUtc(bool sliding)
    {
        var seen = new List<(DateTimeOffset? Issued, DateTimeOffset? Expires)>();
        await using var host = await Host.StartAsync(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(10);
            o.SlidingGranularity = sliding ? TimeSpan.Zero : TimeSpan.FromMinutes(5);
            o.Events.OnValidateSession = c => { seen.Add((c.Properties.IssuedUtc, c.Properties.ExpiresUtc)); c.ShouldRenew = true; return Task.CompletedTask; };
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.All(seen, s => Assert.Equal(Start, s.Issued));
        Assert.NotEqual(seen[0].Expires, seen[^1].Expires);
        Assert.Equal(Start.AddMinutes(sliding ? 3 + 10 : 1 + 10), seen[^1].Expires); // the renewal at minute 1 (or the slide at 3) shows

    }

    [Fact] // CookieIsRenewedWithSlidingExpirationWithoutTransformations
    public async Task The_validator_sees_the_stored_principal_not_the_transformed_one()
    {
        var checks = 0;
        await using var host = await Host.StartAsync(o =>
        {
            SlidingTenMinutes(o);
            o.Events.OnValidateSession = c =>
            {
                Assert.Single(c.Principal!.Identities);
                Assert.True(c.Principal.HasClaim("marker", "true"));
                checks++;
                return Task.CompletedTask;
            };
        }, SignInAsAlice, services: s => s.AddSingleton<IClaimsTransformation, Transformer>());
        var signedIn = await host.SendAsync("/testpath");
        foreach (var _ in Enumerable.Range(0, 3))
        {
            host.Time.Advance(TimeSpan.FromMinutes(4));
            Assert.Equal("yup", (await host.SendAsync("/me", signedIn.CookieNameValue)).Claim("xform"));
        }

        Assert.Equal(3, checks);
    }

    [Fact] // NullExpiresUtcPropertyIsGuarded
    public async Task A_validator_clearing_ExpiresUtc_while_renewing_does_no_harm()
    {
        await using var host = await Host.StartAsync(o => o.Events.OnValidateSession = c =>
        {
            c.Properties.ExpiresUtc = null;
            c.ShouldRenew = true;
            return Task.CompletedTask;
        }, SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
    }

    // ---- redirects after sign-in and sign-out ----------------------------------------------------------------------

    [Fact] // MapWithSignInOnlyRedirectToReturnUrlOnLoginPath
    public async Task Sign_in_off_the_login_path_ignores_ReturnUrl()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/login", pipeline: app =>
        {
            app.UseAuthentication();
            app.Map("/notlogin", branch => branch.Run(SignInAsAlice));
        });
        var t = await host.SendAsync("/notlogin?ReturnUrl=%2Fpage", configure: Post);
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.NotNull(t.SetCookie);
    }

    [Fact] // MapWillNotAffectSignInRedirectToReturnUrl
    public async Task Sign_in_on_the_login_path_inside_Map_follows_a_local_ReturnUrl()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/login", pipeline: app =>
        {
            app.UseAuthentication();
            app.Map("/login", branch => branch.Run(SignInAsAlice));
        });
        var t = await host.SendAsync("/login?ReturnUrl=%2Fpage", configure: Post);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.NotNull(t.SetCookie);
        Assert.Equal("/page", t.Response.Headers.Location?.OriginalString);
    }

    [Theory] // RedirectUriIsHoneredAfterSignin
    [InlineData("/redirect_test")]
    [InlineData("http://example.com/redirect_to")]
    public async Task RedirectUri_is_honoured_after_sign_in(string redirectUri)
    {
        await using var host = await Host.StartAsync(o => { o.LoginPath = "/testpath"; o.Cookie.Name = "TestCookie"; },
            c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { RedirectUri = redirectUri }));
        var t = await host.SendAsync("/testpath");
        Assert.NotNull(t.SetCookie);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal(redirectUri, t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // RedirectInQueryIsHoneredAfterSignin
    public async Task Sign_in_on_the_login_path_follows_the_configured_ReturnUrlParameter()
    {
        await using var host = await Host.StartAsync(o => { o.LoginPath = "/testpath"; o.ReturnUrlParameter = "return"; }, SignInAsAlice);
        var t = await host.SendAsync("/testpath?return=%2Fret_path_2&ReturnUrl=%2Fnot_this");
        Assert.NotNull(t.SetCookie);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/ret_path_2", t.Response.Headers.Location?.OriginalString);
    }

    [Theory] // AbsoluteRedirectUriInQueryStringIsRejected (plus the other ways a return URL leaves the site or breaks the header)
    [InlineData("http%3A%2F%2Fexample.com%2Fredirect_to")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("%2F%5Cevil.example")]
    [InlineData("%2Fpage%0D%0ASet-Cookie%3A%20x%3Dy")]
    [InlineData("javascript%3Aalert(1)")]
    [InlineData("%2Fpage%E2%80%AEgpj.exe")]
    [InlineData("%2Fcaf%C3%A9")]
    public async Task A_return_url_that_is_not_local_is_not_followed(string returnUrl)
    {
        await using var host = await Host.StartAsync(o => { o.LoginPath = "/testpath"; o.ReturnUrlParameter = "return"; }, SignInAsAlice);
        var t = await host.SendAsync("/testpath?return=" + returnUrl);
        Assert.NotNull(t.SetCookie);
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Null(t.Response.Headers.Location);
    }

    [Fact] // EnsurePrecedenceOfRedirectUriAfterSignin
    public async Task RedirectUri_wins_over_the_return_url_parameter()
    {
        await using var host = await Host.StartAsync(o => { o.LoginPath = "/testpath"; o.ReturnUrlParameter = "return"; },
            c => c.SignInAsync(Scheme, Alice(), new AuthenticationProperties { RedirectUri = "/redirect_test" }));
        var t = await host.SendAsync("/testpath?return=%2Fret_path_2");
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.Equal("/redirect_test", t.Response.Headers.Location?.OriginalString);
    }

    [Fact] // (AjaxLoginRedirectToReturnUrlTurnsInto200WithLocationHeader, on sign-in: an XHR sign-in is not redirected)
    public async Task An_xhr_sign_in_on_the_login_path_keeps_200_and_gets_Location()
    {
        await using var host = await Host.StartAsync(o => o.LoginPath = "/testpath", SignInAsAlice);
        var t = await host.SendAsync("/testpath?ReturnUrl=%2Fpage", configure: r => r.Headers.Add("X-Requested-With", "XMLHttpRequest"));
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Equal("/page", t.Response.Headers.Location?.OriginalString);
        Assert.NotNull(t.SetCookie);
    }

    [Fact] // MapWithSignOutOnlyRedirectToReturnUrlOnLogoutPath (adapted: no LogoutPath, so a ReturnUrl in the query is never followed)
    public async Task Sign_out_ignores_a_ReturnUrl_in_the_query()
    {
        await using var host = await Host.StartAsync(pipeline: app =>
        {
            app.UseAuthentication();
            app.Map("/logout", branch => branch.Run(c => c.SignOutAsync(Scheme)));
        });
        var t = await host.SendAsync("/logout?ReturnUrl=%2Fpage", configure: Post);
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.StartsWith("__Host-session=;", t.SetCookie, StringComparison.Ordinal);
    }

    [Fact] // MapWillNotAffectSignOutRedirectToReturnUrl (adapted: the sign-out's RedirectUri)
    public async Task Sign_out_with_a_RedirectUri_redirects_and_deletes_the_cookie()
    {
        await using var host = await Host.StartAsync(pipeline: app =>
        {
            app.UseAuthentication();
            app.Map("/logout", branch => branch.Run(c => c.SignOutAsync(Scheme, new AuthenticationProperties { RedirectUri = "/page" })));
        });
        var t = await host.SendAsync("/logout", configure: Post);
        Assert.Equal(HttpStatusCode.Redirect, t.Response.StatusCode);
        Assert.StartsWith("__Host-session=;", t.SetCookie, StringComparison.Ordinal);
        Assert.Equal("/page", t.Response.Headers.Location?.OriginalString);
        AssertNoCache(t.Response);
    }

    [Fact] // (the sign-out half of SignInCausesDefaultCookieToBeCreated's no-cache headers)
    public async Task Sign_out_revokes_the_session_and_sends_no_cache_headers()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/signout", signedIn.CookieNameValue, Post);
        AssertNoCache(t.Response);
        Assert.Null((await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    // ---- sign-in's principal ----------------------------------------------------------------------------------------

    [Fact] // CanConfigureDefaultCookieInstance signs in "new ClaimsIdentity("whatever")": a session needs a user id (deliberate difference)
    public async Task A_principal_without_NameIdentifier_or_Name_gets_a_clear_error_at_SignInAsync()
    {
        await using var host = await Host.StartAsync(testpath: c => c.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity("whatever"))));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.SendAsync("/testpath"));
        Assert.Contains("needs the user's id", error.Message, StringComparison.Ordinal);
        Assert.Contains(ClaimTypes.NameIdentifier, error.Message, StringComparison.Ordinal);
        Assert.Contains(ClaimTypes.Name, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await host.Sessions.CountAsync());
    }

    [Fact] // CookieContainsIdentity (a NameIdentifier is the user id; the name is kept beside it)
    public async Task A_NameIdentifier_is_the_user_id_and_the_name_is_kept()
    {
        await using var host = await Host.StartAsync(testpath: c => c.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "u-42"), new Claim(ClaimTypes.Name, "Alice")], "password"))));
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/me/Session", signedIn.CookieNameValue);
        Assert.Equal("u-42", t.Claim(ClaimTypes.NameIdentifier));
        Assert.Equal("Alice", t.Claim(ClaimTypes.Name));
    }

    [Fact] // CanSpecifyAndShareDataProtector (ours: instances share the store, not a data-protection key ring)
    public async Task Two_app_instances_sharing_a_store_accept_each_others_cookies()
    {
        var time = new FakeTimeProvider(Start);
        var store = new MemorySessionStore(time, NullLogger<MemorySessionStore>.Instance);
        await using var first = await Host.StartAsync(testpath: SignInAsAlice, services: s => s.AddSingleton<ISessionStore>(store), time: time);
        await using var second = await Host.StartAsync(services: s => s.AddSingleton<ISessionStore>(store), time: time);
        var signedIn = await first.SendAsync("/testpath");
        Assert.Equal("Alice", (await second.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    // ---- cross-site sign-in and sign-out (login CSRF, forced sign-out) ----------------------------------------------

    [Theory] // (no anchor: cookie authentication leaves this to antiforgery; ours refuses it with the cross-site rule)
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Origin", "https://evil.example")]
    public async Task A_cross_site_sign_in_is_refused_and_creates_nothing(string header, string value)
    {
        var ran = false;
        await using var host = await Host.StartAsync(testpath: async c =>
        {
            await SignInAsAlice(c);
            ran = true;
        });
        var t = await host.SendAsync("/testpath", configure: r => { r.Method = HttpMethod.Post; r.Headers.Add(header, value); });
        Assert.Equal(HttpStatusCode.Forbidden, t.Response.StatusCode);
        Assert.Null(t.SetCookie);
        Assert.False(ran);
        Assert.Equal(0, await host.Sessions.CountAsync());
        AssertNoCache(t.Response);
    }

    [Fact] // (no anchor: forced sign-out)
    public async Task A_cross_site_sign_out_is_refused_and_revokes_nothing()
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice);
        var signedIn = await host.SendAsync("/testpath");
        var t = await host.SendAsync("/signout", signedIn.CookieNameValue, r => { r.Method = HttpMethod.Post; r.Headers.Add("Sec-Fetch-Site", "cross-site"); });
        Assert.Equal(HttpStatusCode.Forbidden, t.Response.StatusCode);
        Assert.Null(t.SetCookie);
        Assert.Equal("Alice", (await host.SendAsync("/me/Session", signedIn.CookieNameValue)).Claim(ClaimTypes.Name));
    }

    [Theory] // (no anchor: the app's own form posts, with or without Origin, and non-browser clients keep working)
    [InlineData(null, null)]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Origin", "https://example.com")]
    public async Task A_same_site_or_non_browser_sign_in_and_sign_out_work(string? header, string? value)
    {
        await using var host = await Host.StartAsync(testpath: SignInAsAlice);
        void Headers(HttpRequestMessage r)
        {
            r.Method = HttpMethod.Post;
            if (header is not null)
            {
                r.Headers.Add(header, value);
            }
        }

        var signedIn = await host.SendAsync("/testpath", configure: Headers);
        Assert.Equal(HttpStatusCode.OK, signedIn.Response.StatusCode);
        Assert.NotNull(signedIn.SetCookie);
        var signedOut = await host.SendAsync("/signout", signedIn.CookieNameValue, Headers);
        Assert.Equal(HttpStatusCode.OK, signedOut.Response.StatusCode);
        Assert.Equal(0, await host.Sessions.CountAsync());
    }

    [Fact] // (no anchor: an identity provider's form_post callback is cross-site by design; its handler checked state and correlation)
    public async Task A_remote_handlers_cross_site_callback_still_signs_in()
    {
        await using var host = await Host.StartAsync(testpath: c =>
        {
            var properties = new AuthenticationProperties();
            properties.Items[".AuthScheme"] = "oidc";
            return c.SignInAsync(Scheme, Alice(), properties);
        });
        var t = await host.SendAsync("/testpath", configure: r => { r.Method = HttpMethod.Post; r.Headers.Add("Sec-Fetch-Site", "cross-site"); });
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.NotNull(t.SetCookie);
    }

    [Fact] // (no anchor: the refusal follows RejectCrossSiteCookieRequests)
    public async Task With_the_cross_site_check_off_a_cross_site_sign_in_goes_through()
    {
        await using var host = await Host.StartAsync(o => o.RejectCrossSiteCookieRequests = false, SignInAsAlice);
        var t = await host.SendAsync("/testpath", configure: r => { r.Method = HttpMethod.Post; r.Headers.Add("Sec-Fetch-Site", "cross-site"); });
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
    }

    [Fact] // (no anchor: a bearer-only kind sets no cookie, so there is nothing to forge)
    public async Task A_bearer_only_kind_signs_in_from_any_site()
    {
        await using var host = await Host.StartAsync(o => o.TokenSources = [SessionTokenSource.Bearer], SignInAsAlice);
        var t = await host.SendAsync("/testpath", configure: r => { r.Method = HttpMethod.Post; r.Headers.Add("Origin", "https://spa.example"); });
        Assert.Equal(HttpStatusCode.OK, t.Response.StatusCode);
        Assert.Null(t.SetCookie);
        AssertNoCache(t.Response); // the token goes to the app, which returns it
    }

    // ---- forwarding (the tests CookieTests inherits from SharedAuthenticationTests) -----------------------------------

    [Fact] // CanForwardDefault
    public async Task Every_operation_goes_to_ForwardDefault()
    {
        await using var forwarding = Forwarding.Create(o => o.ForwardDefault = "auth1");
        await forwarding.AllOperationsAsync();
        Assert.Equal("authenticate forbid challenge signout signin", forwarding.Calls("auth1"));
    }

    [Theory] // ForwardAuthenticateWinsOverDefault, ForwardForbidWinsOverDefault, ForwardChallengeWinsOverDefault, ForwardSignOutWinsOverDefault, ForwardSignInWinsOverDefault
    [InlineData("authenticate")]
    [InlineData("forbid")]
    [InlineData("challenge")]
    [InlineData("signout")]
    [InlineData("signin")]
    public async Task A_specific_forward_wins_over_ForwardDefault(string operation)
    {
        await using var forwarding = Forwarding.Create(o =>
        {
            o.ForwardDefault = "auth1";
            _ = operation switch
            {
                "authenticate" => o.ForwardAuthenticate = "specific",
                "forbid" => o.ForwardForbid = "specific",
                "challenge" => o.ForwardChallenge = "specific",
                "signout" => o.ForwardSignOut = "specific",
                _ => o.ForwardSignIn = "specific",
            };
        });
        await forwarding.OperationAsync(operation);
        Assert.Equal(operation, forwarding.Calls("specific"));
        Assert.Equal(string.Empty, forwarding.Calls("auth1"));
    }

    [Fact] // ForwardSelectorWinsOverDefault
    public async Task ForwardDefaultSelector_wins_over_ForwardDefault()
    {
        await using var forwarding = Forwarding.Create(o => { o.ForwardDefault = "auth1"; o.ForwardDefaultSelector = _ => "selector"; });
        await forwarding.AllOperationsAsync();
        Assert.Equal("authenticate forbid challenge signout signin", forwarding.Calls("selector"));
        Assert.Equal(string.Empty, forwarding.Calls("auth1"));
    }

    [Fact] // NullForwardSelectorUsesDefault
    public async Task A_selector_answering_null_falls_back_to_ForwardDefault()
    {
        await using var forwarding = Forwarding.Create(o => { o.ForwardDefault = "auth1"; o.ForwardDefaultSelector = _ => null; });
        await forwarding.AllOperationsAsync();
        Assert.Equal("authenticate forbid challenge signout signin", forwarding.Calls("auth1"));
        Assert.Equal(string.Empty, forwarding.Calls("selector"));
    }

    [Fact] // SpecificForwardWinsOverSelectorAndDefault
    public async Task Specific_forwards_win_over_the_selector_and_ForwardDefault()
    {
        await using var forwarding = Forwarding.Create(o =>
        {
            o.ForwardDefault = "auth1";
            o.ForwardDefaultSelector = _ => "selector";
            o.ForwardAuthenticate = o.ForwardChallenge = o.ForwardSignIn = o.ForwardSignOut = o.ForwardForbid = "specific";
        });
        await forwarding.AllOperationsAsync();
        Assert.Equal("authenticate forbid challenge signout signin", forwarding.Calls("specific"));
        Assert.Equal(string.Empty, forwarding.Calls("auth1") + forwarding.Calls("selector"));
    }

    [Fact] // VerifySchemeDefaults
    public async Task The_scheme_is_registered_with_the_session_handler()
    {
        await using var forwarding = Forwarding.Create(_ => { });
        var scheme = await forwarding.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(Scheme);
        Assert.NotNull(scheme);
        Assert.Equal(typeof(SessionAuthenticationHandler), scheme.HandlerType);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static void FixedTenMinutes(SessionAuthenticationOptions o)
    {
        o.IdleTimeout = null;
        o.AbsoluteTimeout = TimeSpan.FromMinutes(10);
    }

    private static void SlidingTenMinutes(SessionAuthenticationOptions o)
    {
        o.IdleTimeout = TimeSpan.FromMinutes(10);
        o.AbsoluteTimeout = null;
    }

    private static ClaimsPrincipal Alice()
    {
        var identity = new ClaimsIdentity(new GenericIdentity("Alice", "Cookies"));
        identity.AddClaim(new Claim("marker", "true"));
        return new ClaimsPrincipal(identity);
    }

    private static Task SignInAsAlice(HttpContext context) => context.SignInAsync(Scheme, Alice(), new AuthenticationProperties());

    private static void Navigate(HttpRequestMessage request) => request.Headers.Add("Sec-Fetch-Mode", "navigate");

    private static void Post(HttpRequestMessage request) => request.Method = HttpMethod.Post;

    private static void AssertNoCache(HttpResponseMessage response)
    {
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
    }

    /// <summary>The anchor's transformer: removes the marker claim, adds an "xform" identity once.</summary>
    private sealed class Transformer : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            var first = principal.Identities.First();
            if (first.FindFirst("marker") is { } marker)
            {
                first.RemoveClaim(marker);
            }

            if (!principal.Identities.Any(i => i.AuthenticationType == "xform"))
            {
                principal.AddIdentity(new ClaimsIdentity([new Claim("xform", "yup")], "xform"));
            }

            return Task.FromResult(principal);
        }
    }

    /// <summary>The anchor's forwarding set-up: the session scheme beside three counting schemes, driven through a bare HttpContext.</summary>
    private sealed class Forwarding(ServiceProvider services) : IAsyncDisposable
    {
        public ServiceProvider Services { get; } = services;

        private HttpContext Context { get; } = new DefaultHttpContext { RequestServices = services };

        public static Forwarding Create(Action<SessionAuthenticationOptions> configure)
        {
            var services = new ServiceCollection().AddLogging();
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start));
            services.AddSingleton<CountingHandler.Log>();
            services.AddSessionAuth(configure);
            services.AddAuthentication(o =>
            {
                o.AddScheme<CountingHandler>("auth1", "auth1");
                o.AddScheme<CountingHandler>("selector", "selector");
                o.AddScheme<CountingHandler>("specific", "specific");
            });
            return new Forwarding(services.BuildServiceProvider());
        }

        public string Calls(string scheme) => string.Join(' ', Services.GetRequiredService<CountingHandler.Log>().Calls.Where(c => c.Scheme == scheme).Select(c => c.Operation));

        public async Task AllOperationsAsync()
        {
            foreach (var operation in new[] { "authenticate", "forbid", "challenge", "signout", "signin" })
            {
                await OperationAsync(operation);
            }
        }

        public Task OperationAsync(string operation) => operation switch
        {
            "authenticate" => Context.AuthenticateAsync(Scheme),
            "forbid" => Context.ForbidAsync(Scheme),
            "challenge" => Context.ChallengeAsync(Scheme),
            "signout" => Context.SignOutAsync(Scheme),
            _ => Context.SignInAsync(Scheme, Alice()),
        };

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    /// <summary>A scheme that only records what was asked of it.</summary>
    private sealed class CountingHandler(CountingHandler.Log log) : IAuthenticationSignInHandler
    {
        private string _scheme = string.Empty;

        public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
        {
            _scheme = scheme.Name;
            return Task.CompletedTask;
        }

        public Task<AuthenticateResult> AuthenticateAsync() => Record("authenticate", AuthenticateResult.NoResult());

        public Task ChallengeAsync(AuthenticationProperties? properties) => Record("challenge", 0);

        public Task ForbidAsync(AuthenticationProperties? properties) => Record("forbid", 0);

        public Task SignOutAsync(AuthenticationProperties? properties) => Record("signout", 0);

        public Task SignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties) => Record("signin", 0);

        private Task<T> Record<T>(string operation, T result)
        {
            log.Calls.Add((_scheme, operation));
            return Task.FromResult(result);
        }

        public sealed class Log
        {
            public List<(string Scheme, string Operation)> Calls { get; } = [];
        }
    }

    private sealed record Transaction(HttpResponseMessage Response, string? SetCookie, JsonElement? Body)
    {
        /// <summary>The <c>name=value</c> part of the one Set-Cookie, to send back.</summary>
        public string? CookieNameValue => SetCookie?.Split(';', 2)[0];

        public string? Claim(string type) => Body is { } body && body.TryGetProperty("claims", out var claims)
            ? claims.EnumerateArray().Where(c => c.GetProperty("type").GetString() == type).Select(c => c.GetProperty("value").GetString()).SingleOrDefault()
            : null;

        public string? Item(string key) => Body is { } body && body.TryGetProperty("items", out var items) && items.TryGetProperty(key, out var value)
            ? value.GetString()
            : null;
    }

    /// <summary>
    /// The anchor's test server: sessions in cookie mode, the fake clock, and its dispatch (/normal, /forbid, /challenge,
    /// /signout, /unauthorized, /protected/CustomRedirect, /me, /me/{scheme}, /testpath).
    /// </summary>
    private sealed class Host(WebApplication app, FakeTimeProvider time) : IAsyncDisposable
    {
        public FakeTimeProvider Time { get; } = time;

        public ISessionManager Sessions => app.Services.GetRequiredService<ISessionManager>();

        /// <summary>What /testpath does when the test did not give it a delegate.</summary>
        public Func<HttpContext, Task>? SignIn { get; set; }

        public static async Task<Host> StartAsync(
            Action<SessionAuthenticationOptions>? configure = null,
            Func<HttpContext, Task>? testpath = null,
            string? pathBase = null,
            Action<IServiceCollection>? services = null,
            Action<WebApplication>? pipeline = null,
            FakeTimeProvider? time = null)
        {
            time ??= new FakeTimeProvider(Start);
            var app = TestHost.CreateBuilder(time, configure, services).Build();
            Host? host = null;
            if (pathBase is not null)
            {
                app.UsePathBase(pathBase);
            }

            if (pipeline is not null)
            {
                pipeline(app);
            }
            else
            {
                app.UseSessionAuth();
                app.Run(context => Dispatch(context, testpath ?? host!.SignIn));
            }

            await app.StartAsync();
            host = new Host(app, time);
            return host;
        }

        public async Task<Transaction> SendAsync(string url, string? cookie = null, Action<HttpRequestMessage>? configure = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri("https://example.com"), url));
            if (cookie is not null)
            {
                request.Headers.Add("Cookie", cookie);
            }

            configure?.Invoke(request);
            using var client = app.GetTestServer().CreateClient();
            var response = await client.SendAsync(request);
            var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.SingleOrDefault() : null;
            JsonElement? body = response.Content.Headers.ContentType?.MediaType == "application/json"
                ? await response.Content.ReadFromJsonAsync<JsonElement>()
                : null;
            return new Transaction(response, setCookie, body);
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();

        private static async Task Dispatch(HttpContext context, Func<HttpContext, Task>? testpath)
        {
            var path = context.Request.Path;
            if (path == "/normal")
            {
                context.Response.StatusCode = 200;
            }
            else if (path == "/forbid")
            {
                await context.ForbidAsync(Scheme);
            }
            else if (path == "/challenge")
            {
                await context.ChallengeAsync(Scheme);
            }
            else if (path == "/signout")
            {
                await context.SignOutAsync(Scheme);
            }
            else if (path == "/unauthorized")
            {
                await context.ChallengeAsync(Scheme, new AuthenticationProperties());
            }
            else if (path == "/protected/CustomRedirect")
            {
                await context.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = "/CustomRedirect" });
            }
            else if (path == "/me")
            {
                await DescribeAsync(context, context.User, properties: null);
            }
            else if (path.StartsWithSegments("/me", out var remainder))
            {
                var result = await context.AuthenticateAsync(remainder.Value![1..]);
                await DescribeAsync(context, result.Principal, result.Properties);
            }
            else if (path == "/testpath" && testpath is not null)
            {
                await testpath(context);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        }

        private static Task DescribeAsync(HttpContext context, ClaimsPrincipal? principal, AuthenticationProperties? properties) =>
            context.Response.WriteAsJsonAsync(new
            {
                claims = principal?.Identity?.IsAuthenticated == true
                    ? principal.Claims.Select(c => new { type = c.Type, value = c.Value }).ToArray()
                    : [],
                items = properties?.Items ?? new Dictionary<string, string?>(),
            });
    }
}
