using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace AspNetSessions;

/// <summary>
/// For apps that wire <c>UseExceptionHandler()</c> (problem details) and their own <c>UseAuthentication()</c> /
/// <c>UseAuthorization()</c> instead of <c>UseSessionAuth()</c>: a store outage thrown by their endpoints is a 503.
/// </summary>
internal sealed class SessionStoreUnavailableExceptionHandler(StoreUnavailableAnswer answer) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        answer.TryAnswerAsync(httpContext, exception);
}
