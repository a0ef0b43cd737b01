using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// Turns an unreachable store anywhere in the request (sign-in, session API calls) into 503 + Retry-After, and a
/// refused cross-site sign-in or sign-out into 403 (<see cref="StoreUnavailableAnswer"/>).
/// </summary>
internal sealed class SessionStoreUnavailableMiddleware(RequestDelegate next, StoreUnavailableAnswer answer)
{
    // Every request passes here: when the rest of the pipeline completes synchronously, no async state machine is built.
    public Task InvokeAsync(HttpContext context)
    {
        Task pending;
        try
        {
            pending = next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && StoreUnavailableAnswer.Answers(e))
        {
            return answer.TryAnswerAsync(context, e).AsTask();
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending, context);
    }

    private async Task AwaitAsync(Task pending, HttpContext context)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && StoreUnavailableAnswer.Answers(e))
        {
            await answer.TryAnswerAsync(context, e).ConfigureAwait(false);
        }
    }
}
