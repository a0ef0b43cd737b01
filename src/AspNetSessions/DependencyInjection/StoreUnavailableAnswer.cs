using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// The one answer to an exception caused by an unreachable session store, wherever it is caught (our middleware,
/// ASP.NET Core's exception handler, the developer exception page): 503 with <c>Retry-After</c>, as problem details
/// when the app registered them, and the outage reported once. Never a 500, never a stack trace to the client.
/// It also answers the other exception the session layer throws at a client's request, a cross-site sign-in or sign-out
/// (<see cref="CrossSiteSignInRefusedException"/>): 403, through the same catchers.
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
        if (exception is CrossSiteSignInRefusedException && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await CrossSiteRefusal.WriteAsync(context).ConfigureAwait(false);
            return true;
        }

        if (Find(exception) is not { } unavailable || context.Response.HasStarted)
        {
            return false;
        }

        outage.Failed(unavailable);
        Log.AnsweredUnavailable(logger, context.Request.Path);
        context.Response.Clear();
        StoreUnavailableResponse.Write(context.Response, options.Value.StoreUnavailableRetryAfter);
        await WriteProblemAsync(context, "The session store is unavailable.", "Try again after the time given in Retry-After.").ConfigureAwait(false);
        return true;
    }

    /// <summary>Whether <see cref="TryAnswerAsync"/> answers an exception (when the response has not started).</summary>
    public static bool Answers(Exception exception) => exception is CrossSiteSignInRefusedException || Find(exception) is not null;

    private async ValueTask WriteProblemAsync(HttpContext context, string title, string detail)
    {
        if (problemDetails is not null)
        {
            await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = context.Response.StatusCode, Title = title, Detail = detail },
            }).ConfigureAwait(false);
        }
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
