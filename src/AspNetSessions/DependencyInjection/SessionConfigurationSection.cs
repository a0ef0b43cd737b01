namespace AspNetSessions;

/// <summary>A sub-section of <c>SessionAuth</c> that a package binds (e.g. <c>Redis</c>), with the options type that defines its keys.</summary>
/// <param name="Name">The sub-section's name.</param>
/// <param name="OptionsType">The options type bound from it.</param>
internal sealed record SessionConfigurationSection(string Name, Type OptionsType);
