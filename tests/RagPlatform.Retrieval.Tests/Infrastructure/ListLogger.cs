using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RagPlatform.Retrieval.Tests.Infrastructure;

/// <summary>Keeps formatted log lines so tests can see which path the code took (snapshot loaded or rejected).</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}
