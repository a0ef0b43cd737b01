using System.Text.Json;

namespace WebApp;

/// <summary>The body of <c>POST /api/login</c>.</summary>
public sealed record LoginRequest(string? Username, string? Password)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The credentials, or null for a body that is not a JSON object with both fields.</summary>
    public static async Task<LoginRequest?> ReadAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            var login = await request.ReadFromJsonAsync<LoginRequest>(Json, request.HttpContext.RequestAborted);
            return login is { Username.Length: > 0, Password: not null } ? login : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
