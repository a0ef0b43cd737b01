using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// The one answer to an exception caused by an unreachable session store, wherever it is caught (our middleware,
/// ASP.NET Core's exception handler, the developer exception page): 503 with <c>Retry-After</c>, as problem details
/// when the app registered them, and the outage reported once. Never a 500, never a stack trace to the client.
/// </summary>
internal sealed partial class StoreUnavailableAnswer(
    IOptions<SessionStoreOptions> options,
    SessionStoreOutage outage,
    ILogger<StoreUnavailableAnswer> logger,
    IProblemDetailsService? problemDetails = null)
{
    /// <summary>Answers 503 if <paramref name="exception"/> is (or wraps) a store outage and the response has not started.</summary>
    public async ValueTask<bool> TryAnswerAsync(HttpContext context, Exception exception)
    {
        if (Find(exception) is not { } unavailable || context.Response.HasStarted)
        {
            return false;
        }

        outage.Failed(unavailable);
        Log.AnsweredUnavailable(logger, context.Request.Path);
        context.Response.Clear();
        StoreUnavailableResponse.Write(context.Response, options.Value.StoreUnavailableRetryAfter);
        if (problemDetails is not null)
        {
            await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The session store is unavailable.",
                    Detail = "Try again after the time given in Retry-After.",
                },
            }).ConfigureAwait(false);
        }

        return true;
    }

    private static SessionStoreUnavailableException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SessionStoreUnavailableException unavailable)
            {
                return unavailable;
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, EventName = "AnsweredStoreUnavailable", Level = LogLevel.Debug,
            Message = "Answered 503 to {Path}: the session store is unavailable.")]
        public static partial void AnsweredUnavailable(ILogger logger, PathString path);
    }
}
