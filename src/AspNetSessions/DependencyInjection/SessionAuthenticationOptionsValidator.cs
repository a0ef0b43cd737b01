using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Checks one scheme's options at startup; every message names the configuration key and what it allows.</summary>
internal sealed partial class SessionAuthenticationOptionsValidator(IEnumerable<SessionSchemeRegistration> registrations)
    : IValidateOptions<SessionAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionAuthenticationOptions options)
    {
        var registration = registrations.LastOrDefault(r => r.Scheme == name);
        if (registration is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        if (options.Kind is null || !KindPattern().IsMatch(options.Kind))
        {
            errors.Add($"{registration.Key("Kind")} must be 1-32 letters, digits, '-' or '_'; got '{options.Kind}'.");
        }

        if (options.TokenPrefix is null || !PrefixPattern().IsMatch(options.TokenPrefix))
        {
            errors.Add($"{registration.Key("TokenPrefix")} must be 1-16 lowercase letters or digits starting with a letter; got '{options.TokenPrefix}'.");
        }

        if (options.IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            errors.Add($"{registration.Key("IdleTimeout")} must be a positive duration such as '00:30:00', or empty to switch idle expiry off; got '{idle}'.");
        }

        if (options.AbsoluteTimeout is { } absolute && absolute <= TimeSpan.Zero)
        {
            errors.Add($"{registration.Key("AbsoluteTimeout")} must be a positive duration such as '7.00:00:00', or empty to switch it off; got '{absolute}'.");
        }

        if (options.IdleTimeout is { } idleLimit && options.AbsoluteTimeout is { } absoluteLimit && idleLimit > absoluteLimit)
        {
            errors.Add($"{registration.Key("IdleTimeout")} ('{idleLimit}') is longer than {registration.Key("AbsoluteTimeout")} ('{absoluteLimit}'), which caps every session: make it shorter, or switch one of them off.");
        }

        if (options.SlidingGranularity is { } granularity
            && (granularity < TimeSpan.Zero || (options.IdleTimeout is { } idleTimeout && idleTimeout > TimeSpan.Zero && granularity > idleTimeout / 2)))
        {
            errors.Add($"{registration.Key("SlidingGranularity")} must be between 00:00:00 and half of IdleTimeout; got '{granularity}'.");
        }

        if (options.TokenSources is not { Length: > 0 } sources || sources.Distinct().Count() != sources.Length
            || sources.Any(s => !Enum.IsDefined(s)))
        {
            errors.Add($"{registration.Key("TokenSources")} must list each of 'Bearer' and 'Cookie' at most once, and at least one of them.");
        }

        if (string.IsNullOrWhiteSpace(options.ReturnUrlParameter))
        {
            errors.Add($"{registration.Key("ReturnUrlParameter")} must name a query parameter, e.g. 'ReturnUrl'.");
        }

        ValidateApiKeyOptions(options, registration, errors);
        ValidateCookie(options, registration, errors);
        ValidateDeviceBound(options, registration, errors);
        ValidateKeys(options, registration, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateDeviceBound(SessionAuthenticationOptions options, SessionSchemeRegistration registration, List<string> errors)
    {
        var dbsc = options.DeviceBound;
        if (dbsc is not { Enabled: true })
        {
            return;
        }

        if (options.TokenSources?.Contains(SessionTokenSource.Cookie) != true)
        {
            errors.Add($"{registration.Key("DeviceBound:Enabled")} is true, but the kind reads no cookie (TokenSources): device-bound sessions bind a browser's cookie. Switch it off for this kind, or add 'Cookie' to its TokenSources.");
        }

        if (dbsc.CredentialLifetime < DeviceBoundSessionOptions.MinCredentialLifetime)
        {
            errors.Add($"{registration.Key("DeviceBound:CredentialLifetime")} must be at least '00:05:00' (browsers limit how often they refresh); got '{dbsc.CredentialLifetime}'.");
        }

        if (dbsc.PreviousCredentialGrace < TimeSpan.Zero || dbsc.PreviousCredentialGrace > DeviceBoundSessionOptions.MaxPreviousCredentialGrace)
        {
            errors.Add($"{registration.Key("DeviceBound:PreviousCredentialGrace")} must be from '00:00:00' (none) to '00:05:00' (requests in flight when the credential is replaced); got '{dbsc.PreviousCredentialGrace}'.");
        }

        if (dbsc.RegistrationPath == dbsc.RefreshPath)
        {
            errors.Add($"{registration.Key("DeviceBound:RegistrationPath")} and {registration.Key("DeviceBound:RefreshPath")} must differ; both are '{dbsc.RefreshPath}'.");
        }
    }

    private static void ValidateCookie(SessionAuthenticationOptions options, SessionSchemeRegistration registration, List<string> errors)
    {
        var cookie = options.Cookie;
        if (options.TokenSources?.Contains(SessionTokenSource.Cookie) != true)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(cookie.Name))
        {
            errors.Add($"{registration.Key("Cookie:Name")} must not be empty while 'Cookie' is one of the TokenSources.");
            return;
        }

        if (cookie.Expiration is not null)
        {
            errors.Add($"{registration.Key("Cookie:Expiration")} is not used: the session decides how long the cookie lives (IdleTimeout, AbsoluteTimeout, and IsPersistent at sign-in). Remove it.");
        }

        var secure = cookie.SecurePolicy == CookieSecurePolicy.Always;
        if (cookie.Name.StartsWith("__Host-", StringComparison.Ordinal) && (!secure || cookie.Path is not (null or "/") || cookie.Domain is not null))
        {
            errors.Add($"{registration.Key("Cookie:Name")} starts with '__Host-', which browsers accept only with Cookie:SecurePolicy 'Always', Cookie:Path '/' and no Cookie:Domain.");
        }

        if (cookie.Name.StartsWith("__Secure-", StringComparison.Ordinal) && !secure)
        {
            errors.Add($"{registration.Key("Cookie:Name")} starts with '__Secure-', which browsers accept only with Cookie:SecurePolicy 'Always'.");
        }

        if (cookie.SameSite == SameSiteMode.None && !secure)
        {
            errors.Add($"{registration.Key("Cookie:SameSite")} is 'None', which browsers accept only with Cookie:SecurePolicy 'Always'.");
        }

        if (!cookie.HttpOnly)
        {
            errors.Add($"{registration.Key("Cookie:HttpOnly")} must be true: a session cookie readable by script can be stolen by any XSS.");
        }
    }

    private static void ValidateApiKeyOptions(SessionAuthenticationOptions options, SessionSchemeRegistration registration, List<string> errors)
    {
        var scopes = options.Scopes ?? [];
        for (var i = 0; i < scopes.Length; i++)
        {
            if (!SessionScopes.IsValid(scopes[i]))
            {
                errors.Add($"{registration.Key($"Scopes:{i}")} must be a scope: 1-{SessionScopes.MaxLength} printable ASCII characters other than space, '\"' and '\\' (RFC 6749 §3.3); got '{scopes[i]}'.");
            }
        }

        if (scopes.Length > SessionScopes.MaxCount || scopes.Distinct(StringComparer.Ordinal).Count() != scopes.Length)
        {
            errors.Add($"{registration.Key("Scopes")} must list at most {SessionScopes.MaxCount} different scopes.");
        }

        if (options.MaxSessionsPerUser is < 0 or > MaxSessionsPerUserLimit)
        {
            errors.Add($"{registration.Key("MaxSessionsPerUser")} must be between 1 and {MaxSessionsPerUserLimit}, or 0 for no limit; got '{options.MaxSessionsPerUser}'.");
        }
    }

    /// <summary>The highest cap accepted: eviction reads the user's sessions inside one atomic step, which must stay small.</summary>
    private const int MaxSessionsPerUserLimit = 1000;

    private static void ValidateKeys(SessionAuthenticationOptions options, SessionSchemeRegistration registration, List<string> errors)
    {
        for (var i = 0; i < options.HashingKeys.Length; i++)
        {
            var key = options.HashingKeys[i];
            var bytes = new byte[((key?.Length ?? 0) * 3 / 4) + 3];
            if (key is null || !Convert.TryFromBase64String(key, bytes, out var length) || length < 32)
            {
                errors.Add($"{registration.Key($"HashingKeys:{i}")} must be base64 of at least 32 random bytes (e.g. 'openssl rand -base64 32').");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KindPattern();

    [GeneratedRegex("^[a-z][a-z0-9]{0,15}$")]
    private static partial Regex PrefixPattern();
}
