using Microsoft.AspNetCore.Diagnostics;

namespace AspNetSessions;

/// <summary>In Development, the developer exception page would render a store outage as a 500 with its stack: answer 503 instead.</summary>
internal sealed class SessionStoreUnavailableDeveloperPageFilter(StoreUnavailableAnswer answer) : IDeveloperPageExceptionFilter
{
    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        if (!await answer.TryAnswerAsync(errorContext.HttpContext, errorContext.Exception).ConfigureAwait(false))
        {
            await next(errorContext).ConfigureAwait(false);
        }
    }
}
