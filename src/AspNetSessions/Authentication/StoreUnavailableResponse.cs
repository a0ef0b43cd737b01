using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>The one answer to a request that met an unreachable session store: 503 with <c>Retry-After</c>.</summary>
internal static class StoreUnavailableResponse
{
    /// <summary>The <c>Retry-After</c> value: whole seconds, rounded up, at least 1.</summary>
    public static string RetryAfter(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets the status and header (the body is left to the status-code pages or problem details of the app).</summary>
    public static void Write(HttpResponse response, TimeSpan retryAfter)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfter(retryAfter);
    }
}
