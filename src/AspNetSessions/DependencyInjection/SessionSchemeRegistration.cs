namespace AspNetSessions;

/// <summary>One registered session scheme and where its configuration came from (for error messages).</summary>
/// <param name="Scheme">The authentication scheme.</param>
/// <param name="ConfigurationPath">The configuration section it was bound from, e.g. <c>SessionAuth</c>; null when configured in code.</param>
internal sealed record SessionSchemeRegistration(string Scheme, string? ConfigurationPath)
{
    /// <summary>How to name an option of this scheme in a message: its configuration key, or its property path.</summary>
    public string Key(string option) => ConfigurationPath is null
        ? $"{nameof(SessionAuthenticationOptions)}.{option} (scheme '{Scheme}')"
        : $"{ConfigurationPath}:{option}";
}
