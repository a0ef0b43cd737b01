using Microsoft.Extensions.Options;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>Checks the store's options at startup (only when it is the store in use: <c>ValidateStoreOptions</c>); messages name the configuration keys.</summary>
internal sealed class EntityFrameworkCoreSessionStoreOptionsValidator(string? configurationPath)
    : IValidateOptions<EntityFrameworkCoreSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EntityFrameworkCoreSessionStoreOptions options)
    {
        var errors = new List<string>();
        if (options.PruneInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Key(nameof(options.PruneInterval))} must be a positive duration such as '00:05:00'; got '{options.PruneInterval}'.");
        }

        if (options.PruneBatchSize is < 1 or > 100_000)
        {
            errors.Add($"{Key(nameof(options.PruneBatchSize))} must be between 1 and 100000; got {options.PruneBatchSize}.");
        }

        if (options.PruneMaxBatchesPerRun < 1)
        {
            errors.Add($"{Key(nameof(options.PruneMaxBatchesPerRun))} must be at least 1; got {options.PruneMaxBatchesPerRun}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string Key(string option) =>
        configurationPath is null ? $"{nameof(EntityFrameworkCoreSessionStoreOptions)}.{option}" : $"{configurationPath}:{option}";
}
