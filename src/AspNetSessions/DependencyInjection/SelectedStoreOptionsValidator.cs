using AspNetSessions.Stores;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// A store backend's options validation, run only when that backend is the one in use (<see cref="SessionStoreSelection"/>),
/// so an app can reference several store packages and configure only the one it runs on.
/// </summary>
internal sealed class SelectedStoreOptionsValidator<TOptions>(string storeName, SessionStoreSelection selection, IValidateOptions<TOptions> validator)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        selection.IsSelected(storeName) ? validator.Validate(name, options) : ValidateOptionsResult.Skip;
}
