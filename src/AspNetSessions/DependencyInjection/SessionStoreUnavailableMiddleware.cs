using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Turns an unreachable store anywhere in the request (sign-in, session API calls) into 503 + Retry-After.</summary>
internal sealed partial class SessionStoreUnavailableMiddleware(
    RequestDelegate next,
    IOptions<SessionStoreOptions> options,
    ILogger<SessionStoreUnavailableMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException) when (!context.Response.HasStarted)
        {
            Log.AnsweredUnavailable(logger, context.Request.Path);
            context.Response.Clear();
            StoreUnavailableResponse.Write(context.Response, options.Value.StoreUnavailableRetryAfter);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, EventName = "AnsweredStoreUnavailable", Level = LogLevel.Debug,
            Message = "Answered 503 to {Path}: the session store is unavailable.")]
        public static partial void AnsweredUnavailable(ILogger logger, PathString path);
    }
}
