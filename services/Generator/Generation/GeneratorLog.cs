using Microsoft.Extensions.Logging;

namespace RagPlatform.Generator.Generation;

internal static partial class GeneratorLog
{
    [LoggerMessage(1, LogLevel.Information,
        "Generation finished: {FinishReason}, {PromptTokens} prompt + {CompletionTokens} completion tokens, first token after {TimeToFirstTokenMs:F1} ms, {DurationMs:F1} ms in all")]
    public static partial void GenerationFinished(ILogger logger, string finishReason, int promptTokens, int completionTokens,
        double timeToFirstTokenMs, double durationMs);

    // A caller hanging up is normal traffic, not a fault: Information, never Error.
    [LoggerMessage(2, LogLevel.Information,
        "Generation cancelled by the caller or its deadline after {CompletionTokens} tokens; its KV cache and slot are freed")]
    public static partial void GenerationCancelled(ILogger logger, int completionTokens);

    [LoggerMessage(3, LogLevel.Warning,
        "Generate refused: {ActiveSequences} sequences are running and {QueueDepth} calls are queued (the limit)")]
    public static partial void QueueFull(ILogger logger, int activeSequences, int queueDepth);

    [LoggerMessage(4, LogLevel.Debug, "Generate call queued for a sequence slot ({QueueDepth} waiting)")]
    public static partial void Queued(ILogger logger, int queueDepth);

    [LoggerMessage(5, LogLevel.Information, "A queued Generate call left the queue: its caller cancelled")]
    public static partial void LeftQueue(ILogger logger);
}
