using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Every log line the store writes, with its event id.</summary>
public sealed class CapturingLogs : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(int id, LogLevel level, string message) => Entries.Enqueue((id, level, message));

    private sealed class Logger(CapturingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(eventId.Id, logLevel, formatter(state, exception));
    }
}
