using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace AspNetSessions;

/// <summary>
/// Reads the <c>SessionAuth</c> section before anything binds it, and reports every setting that would be ignored or
/// misread: keys no options type defines (with the nearest valid key), durations that are not spelled hh:mm:ss or
/// d.hh:mm:ss (.NET reads a bare <c>30</c> as 30 days), and values that cannot be converted to their setting's type.
/// All problems come back together, one line each, so a bad configuration is reported once.
/// </summary>
internal static partial class SessionConfigurationCheck
{
    /// <summary>App-wide keys of the <c>SessionAuth</c> section beside the default kind's options.</summary>
    private static readonly string[] AppKeys = [nameof(SessionStoreOptions.Store), nameof(SessionStoreOptions.StoreUnavailableRetryAfter), nameof(SessionStoreOptions.LiveConnectionCheckInterval)];

    private const string KindsKey = "Kinds";

    public static List<string> Check(IConfiguration section, string path, IEnumerable<SessionConfigurationSection> packageSections)
    {
        var errors = new List<string>();
        var packages = packageSections.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().OptionsType, StringComparer.OrdinalIgnoreCase);
        var kindSchema = Schema.Of(typeof(SessionAuthenticationOptions));
        var rootKeys = kindSchema.Keys.Concat(AppKeys).Append(KindsKey).Concat(packages.Keys).ToArray();

        foreach (var child in section.GetChildren())
        {
            var key = Join(path, child.Key);
            if (AppKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                CheckValue(child, key, typeof(SessionStoreOptions).GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!.PropertyType, errors);
            }
            else if (string.Equals(child.Key, KindsKey, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var kind in child.GetChildren())
                {
                    CheckObject(kind, Join(key, kind.Key), kindSchema, errors);
                }
            }
            else if (packages.TryGetValue(child.Key, out var optionsType))
            {
                CheckObject(child, key, Schema.Of(optionsType), errors);
            }
            else if (kindSchema.Properties.TryGetValue(child.Key, out var property))
            {
                CheckProperty(child, key, property, errors);
            }
            else
            {
                errors.Add(Unknown(key, child.Key, rootKeys, path) + PackageHint(child.Key));
            }
        }

        return errors;
    }

    private static void CheckObject(IConfigurationSection section, string path, Schema schema, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            var key = Join(path, child.Key);
            if (schema.Properties.TryGetValue(child.Key, out var property))
            {
                CheckProperty(child, key, property, errors);
            }
            else
            {
                errors.Add(Unknown(key, child.Key, schema.Keys, path));
            }
        }
    }

    private static void CheckProperty(IConfigurationSection section, string key, PropertyInfo property, List<string> errors)
    {
        var type = property.PropertyType;
        if (Schema.IsScalar(type))
        {
            CheckValue(section, key, type, errors);
        }
        else if (type.IsArray && Schema.IsScalar(type.GetElementType()!))
        {
            foreach (var item in section.GetChildren())
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{Join(key, item.Key)} is not a setting: {key} is a list (use {key}:0, {key}:1, ...).");
                    continue;
                }

                CheckValue(item, Join(key, item.Key), type.GetElementType()!, errors);
            }
        }
        else
        {
            CheckObject(section, key, Schema.Of(type), errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, string key, Type type, List<string> errors)
    {
        if (section.GetChildren().Any())
        {
            errors.Add($"{key} is a single value, but the configuration has settings below it ({string.Join(", ", section.GetChildren().Select(c => Join(key, c.Key)))}).");
            return;
        }

        var value = section.Value;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (string.IsNullOrEmpty(value))
        {
            if (target == typeof(TimeSpan) && Nullable.GetUnderlyingType(type) is null)
            {
                errors.Add($"{key} must be a duration such as '00:00:05'; it is empty.");
            }

            return; // empty: 'switched off' for nullable settings, the empty string for text
        }

        if (target == typeof(TimeSpan))
        {
            if (!DurationPattern().IsMatch(value) || !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _))
            {
                var misread = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? $" .NET would read the bare number '{value}' as {number} days."
                    : string.Empty;
                errors.Add($"{key} is '{value}', which is not a duration.{misread} Write hh:mm:ss or d.hh:mm:ss, e.g. '00:30:00' for 30 minutes or '7.00:00:00' for 7 days.");
            }

            return;
        }

        if (target.IsEnum)
        {
            if (!Enum.TryParse(target, value, ignoreCase: true, out var parsed) || !Enum.IsDefined(target, parsed!) || int.TryParse(value, out _))
            {
                errors.Add($"{key} is '{value}', but it must be one of: {string.Join(", ", Enum.GetNames(target))}.");
            }

            return;
        }

        if (target != typeof(string))
        {
            try
            {
                _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException)
            {
                errors.Add($"{key} is '{value}', which is not a valid {target.Name.ToLowerInvariant() switch { "boolean" => "true/false value", "int32" or "int64" => "whole number", var other => other }}.");
            }
        }
    }

    private static string Unknown(string key, string name, IEnumerable<string> valid, string parent)
    {
        var hint = Spelling.Nearest(name, valid) is { } nearest
            ? $" Did you mean {Join(parent, nearest)}?"
            : $" Valid keys here: {string.Join(", ", valid.Order(StringComparer.Ordinal))}.";
        return $"{key} is not a setting of AspNetSessions, so it would be ignored.{hint}";
    }

    private static string PackageHint(string name) => name.ToUpperInvariant() switch
    {
        "REDIS" => " (Redis settings need the AspNetSessions.Redis package and AddRedisStore() on the result of AddSessionAuth().)",
        "ENTITYFRAMEWORKCORE" => " (Database settings need the AspNetSessions.EntityFrameworkCore package and AddEntityFrameworkCoreStore() on the result of AddSessionAuth().)",
        _ => string.Empty,
    };

    private static string Join(string parent, string key) => parent.Length == 0 ? key : parent + ":" + key;

    /// <summary>[-][d.]hh:mm:ss[.fffffff]: the spellings that cannot be misread.</summary>
    [GeneratedRegex(@"^-?(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d{1,7})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    /// <summary>The configuration keys of an options type: its public settable properties the binder can fill.</summary>
    private sealed class Schema
    {
        private Schema(Dictionary<string, PropertyInfo> properties) => Properties = properties;

        public Dictionary<string, PropertyInfo> Properties { get; }

        public IEnumerable<string> Keys => Properties.Keys;

        public static Schema Of(Type type) => new(type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod is { IsPublic: true } && IsBindable(p.PropertyType))
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase));

        public static bool IsScalar(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
                || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid)
                || (t.IsValueType && TypeDescriptor.GetConverter(t).CanConvertFrom(typeof(string))); // e.g. PathString
        }

        private static bool IsBindable(Type type) =>
            IsScalar(type)
            || (type.IsArray && IsScalar(type.GetElementType()!))
            || (type.IsClass && !type.IsAbstract && !typeof(Delegate).IsAssignableFrom(type) && type != typeof(Type) && type != typeof(object)
                && type.GetConstructor(Type.EmptyTypes) is not null);
    }
}
