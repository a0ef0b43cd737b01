using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>
/// The one answer to an exception caused by an unreachable session store: 503 with <c>Retry-After</c>, as problem
/// details when the app registered them, and the outage reported once. Never a 500, never a stack trace to the client.
/// It also answers the other exception the session layer throws at a client's request, a cross-site sign-in or sign-out
/// (<see cref="CrossSiteSignInRefusedException"/>): 403. One singleton plays every place such an exception can be
/// caught: a middleware put around the whole pipeline by a startup filter (whatever the app wires: <c>UseSessionAuth()</c>,
/// or its own <c>UseAuthentication()</c>/<c>UseAuthorization()</c>), ASP.NET Core's exception handler (which would
/// otherwise catch it first and answer 500), and the developer exception page (which would render it with its stack).
/// </summary>
internal sealed partial class StoreUnavailableAnswer(
    IOptions<SessionStoreOptions> options,
    SessionStoreOutage outage,
    ILogger<StoreUnavailableAnswer> logger,
    IProblemDetailsService? problemDetails = null)
    : IStartupFilter, IExceptionHandler, IDeveloperPageExceptionFilter
{
    /// <summary>Registers the answer in each of its places, once.</summary>
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<StoreUnavailableAnswer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, StoreUnavailableAnswer>(static sp => sp.GetRequiredService<StoreUnavailableAnswer>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, StoreUnavailableAnswer>(static sp => sp.GetRequiredService<StoreUnavailableAnswer>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, StoreUnavailableAnswer>(static sp => sp.GetRequiredService<StoreUnavailableAnswer>()));
    }

    /// <summary>Sets the status and header (the body is left to the status-code pages or problem details of the app).</summary>
    public static void Write(HttpResponse response, TimeSpan retryAfter)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        // Whole seconds, rounded up, at least 1.
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(rest => context => InvokeAsync(context, rest));
        next(app);
    };

    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        TryAnswerAsync(httpContext, exception);

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        if (!await TryAnswerAsync(errorContext.HttpContext, errorContext.Exception).ConfigureAwait(false))
        {
            await next(errorContext).ConfigureAwait(false);
        }
    }

    // Every request passes here: when the rest of the pipeline completes synchronously, no async state machine is built.
    private Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        Task pending;
        try
        {
            pending = next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && Answers(e))
        {
            return TryAnswerAsync(context, e).AsTask();
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending, context);
    }

    private async Task AwaitAsync(Task pending, HttpContext context)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && Answers(e))
        {
            await TryAnswerAsync(context, e).ConfigureAwait(false);
        }
    }

    /// <summary>Answers 503 if <paramref name="exception"/> is (or wraps) a store outage and the response has not started.</summary>
    private async ValueTask<bool> TryAnswerAsync(HttpContext context, Exception exception)
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
        Write(context.Response, options.Value.StoreUnavailableRetryAfter);
        if (problemDetails is not null)
        {
            await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = context.Response.StatusCode,
                    Title = "The session store is unavailable.",
                    Detail = "Try again after the time given in Retry-After.",
                },
            }).ConfigureAwait(false);
        }

        return true;
    }

    private static bool Answers(Exception exception) => exception is CrossSiteSignInRefusedException || Find(exception) is not null;

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
