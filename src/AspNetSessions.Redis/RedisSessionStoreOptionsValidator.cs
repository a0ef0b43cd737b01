using Microsoft.Extensions.Options;

namespace AspNetSessions.Redis;

/// <summary>Checks the Redis options at startup, when Redis is the store in use (<c>ValidateStoreOptions</c>); messages name the keys.</summary>
internal sealed class RedisSessionStoreOptionsValidator(string? configurationPath) : IValidateOptions<RedisSessionStoreOptions>
{
    public const string StoreName = "Redis";

    private const int MaxRevocationReplicas = 100;

    private static readonly TimeSpan MaxCommandTimeout = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, RedisSessionStoreOptions options)
    {
        var errors = new List<string>();
        if (options.ConnectionMultiplexerFactory is null && options.ConfigurationOptions is null)
        {
            if (string.IsNullOrWhiteSpace(options.Configuration))
            {
                errors.Add($"{Key("Configuration")} is required when the session store is Redis, e.g. '127.0.0.1:6379' (or set ConfigurationOptions or ConnectionMultiplexerFactory in code).");
            }
            else
            {
                try
                {
                    RedisConfigurationReader.Read(options.Configuration);
                }
                catch (ArgumentException e)
                {
                    // The reader's own messages mostly end with the expected form already: say it once.
                    errors.Add(e.Message.Contains(RedisConfigurationReader.ExpectedForm, StringComparison.Ordinal)
                        ? $"{Key("Configuration")} is not valid: {e.Message}"
                        : $"{Key("Configuration")} is not valid: {e.Message} Expected {RedisConfigurationReader.ExpectedForm}.");
                }
            }
        }

        if (options.KeyPrefix is null || options.KeyPrefix.Length > 64 || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            errors.Add($"{Key("KeyPrefix")} must be at most 64 characters without '{{' or '}}' (braces would move every key's cluster hash slot); got '{options.KeyPrefix}'.");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > MaxCommandTimeout)
        {
            errors.Add($"{Key("CommandTimeout")} must be a positive duration of at most 00:01:00, such as '00:00:00.500'; got '{options.CommandTimeout}'.");
        }

        if (options.RevocationReplicas is < 0 or > MaxRevocationReplicas)
        {
            errors.Add($"{Key("RevocationReplicas")} must be between 0 and {MaxRevocationReplicas} (replicas that must hold a revocation), or unset for 1 when the primary has replicas; got '{options.RevocationReplicas}'.");
        }

        if (options.RevocationReplicaTimeout <= TimeSpan.Zero || options.RevocationReplicaTimeout > MaxCommandTimeout)
        {
            errors.Add($"{Key("RevocationReplicaTimeout")} must be a positive duration of at most 00:01:00, such as '00:00:01'; got '{options.RevocationReplicaTimeout}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string Key(string option) => configurationPath is null ? $"{nameof(RedisSessionStoreOptions)}.{option}" : $"{configurationPath}:{option}";
}
