using System.Globalization;
using System.Text.Json;

namespace WebApp;

/// <summary>
/// The body of <c>POST /api/keys</c>: <c>{"name": "ci", "scopes": ["orders:read"], "lifetime": "30.00:00:00"}</c>, every
/// field optional (no body at all: an unnamed key with no scopes). Only the JSON shape is checked here; what a valid
/// name, scope or lifetime is, the session manager decides (<c>SessionScopes</c>, <c>SessionCreateRequest</c>).
/// </summary>
public sealed record ApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, TimeSpan? Lifetime)
{
    /// <summary>The request, or the reason it is not one (for a 400).</summary>
    public static async Task<(ApiKeyRequest? Request, string? Error)> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.HasJsonContentType()))
        {
            return (new ApiKeyRequest(null, null, null), null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, "Expected a JSON body {\"name\": \"...\", \"scopes\": [\"...\"], \"lifetime\": \"d.hh:mm:ss\"}.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "Expected a JSON object {\"name\", \"scopes\", \"lifetime\"}.");
            }

            string? name = null;
            List<string>? scopes = null;
            TimeSpan? lifetime = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name" when property.Value.ValueKind == JsonValueKind.String:
                        name = property.Value.GetString();
                        break;
                    case "name" when property.Value.ValueKind == JsonValueKind.Null:
                        break;
                    case "scopes" when property.Value.ValueKind == JsonValueKind.Array:
                        scopes = [];
                        foreach (var scope in property.Value.EnumerateArray())
                        {
                            if (scope.ValueKind != JsonValueKind.String)
                            {
                                return (null, "\"scopes\" must be an array of strings.");
                            }

                            scopes.Add(scope.GetString()!);
                        }

                        break;
                    // "c" alone would read a bare number ("30") as days: a duration here always has its hh:mm.
                    case "lifetime" when property.Value.ValueKind == JsonValueKind.String
                        && property.Value.GetString()!.Contains(':', StringComparison.Ordinal)
                        && TimeSpan.TryParseExact(property.Value.GetString(), "c", CultureInfo.InvariantCulture, out var parsed):
                        lifetime = parsed;
                        break;
                    case "lifetime" when property.Value.ValueKind == JsonValueKind.Null:
                        break;
                    case "name":
                        return (null, "\"name\" must be a string.");
                    case "scopes":
                        return (null, "\"scopes\" must be an array of strings.");
                    case "lifetime":
                        return (null, "\"lifetime\" must be a duration \"d.hh:mm:ss\", e.g. \"30.00:00:00\".");
                    default:
                        return (null, $"Unknown field \"{property.Name}\": expected \"name\", \"scopes\" and \"lifetime\".");
                }
            }

            return (new ApiKeyRequest(name, scopes, lifetime), null);
        }
    }
}
