using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AspNetSessions;

/// <summary>
/// The logger factory handed to the handler's base class: it logs the per-request outcomes of ASP.NET Core's
/// authentication handlers ("not authenticated" 7, "challenged" 12, "forbidden" 13) at Debug instead of Information,
/// so an app can keep its logs at Information without a line per rejected request. Everything else passes through.
/// </summary>
internal sealed class SessionHandlerLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{

    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, factory) => new PerRequestLogger(factory.CreateLogger(name)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The app's logger factory belongs to the app.
    }

    private sealed class PerRequestLogger(ILogger inner) : ILogger
    {
        private const int NotAuthenticatedWithFailure = 7;
        private const int Challenged = 12;
        private const int Forbidden = 13;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Information && eventId.Id is NotAuthenticatedWithFailure or Challenged or Forbidden)
            {
                logLevel = LogLevel.Debug;
                if (!inner.IsEnabled(logLevel))
                {
                    return;
                }
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
