using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AspNetSessions.DeviceBound;

/// <summary>
/// The JSON bodies of the registration and refresh endpoints: the session instructions (which cookie is bound, where to
/// refresh) and <c>{"session_identifier": …, "continue": false}</c>, which tells the browser to end the session and drop
/// its key. Never cached.
/// </summary>
internal static class DeviceBoundInstructions
{
    public static async Task WriteAsync(HttpContext context, SessionAuthenticationOptions options, string sessionId)
    {
        var request = context.Request;
        var cookie = options.Cookie.Build(context);
        // The cookie's attributes as Set-Cookie writes them (without its name, value and lifetime): the browser matches them.
        var attributes = new SetCookieHeaderValue("n", "v")
        {
            Path = cookie.Path,
            Domain = cookie.Domain,
            Secure = cookie.Secure,
            HttpOnly = cookie.HttpOnly,
            SameSite = (Microsoft.Net.Http.Headers.SameSiteMode)(int)cookie.SameSite,
        }.ToString()["n=v".Length..].TrimStart(';', ' ');

        await WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("session_identifier", sessionId);
            writer.WriteString("refresh_url", (request.PathBase + options.DeviceBound.RefreshPath).ToUriComponent());
            writer.WriteStartObject("scope");
            writer.WriteBoolean("include_site", false);
            writer.WriteStartArray("scope_specification");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartArray("credentials");
            writer.WriteStartObject();
            writer.WriteString("type", "cookie");
            writer.WriteString("name", options.Cookie.Name);
            writer.WriteString("attributes", attributes);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>{"session_identifier": …, "continue": false}</c>: the session is over (revoked, expired, or never bound). The
    /// identifier is the one the browser refreshed: Chromium reads it before <c>continue</c>, and without it takes the
    /// answer for a broken one (it still ends the session, as a fatal error, not as the server's request).
    /// </summary>
    public static Task WriteEndAsync(HttpContext context, string sessionId) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("session_identifier", sessionId);
            writer.WriteBoolean("continue", false);
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
