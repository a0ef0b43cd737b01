using Microsoft.Extensions.Logging;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>One entry captured by <see cref="ListLogger"/>.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    /// <summary>The message and the whole exception chain, for "never logs X" checks.</summary>
    public string FullText => Message + " " + Exception;
}
