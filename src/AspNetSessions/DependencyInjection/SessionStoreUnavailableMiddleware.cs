using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>Turns an unreachable store anywhere in the request (sign-in, session API calls) into 503 + Retry-After.</summary>
internal sealed class SessionStoreUnavailableMiddleware(RequestDelegate next, StoreUnavailableAnswer answer)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e) when (!context.Response.HasStarted)
        {
            await answer.TryAnswerAsync(context, e).ConfigureAwait(false);
        }
    }
}
