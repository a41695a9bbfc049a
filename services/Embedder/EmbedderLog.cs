using Microsoft.Extensions.Logging;

namespace RagPlatform.Embedder;

internal static partial class EmbedderLog
{
    // Tests parse this line (at Debug) to prove calls were batched together: keep "batch of {Texts} texts".
    [LoggerMessage(1, LogLevel.Debug, "Embedded a batch of {Texts} texts from {Calls} calls in {Runs} runs, {ElapsedMs} ms.")]
    public static partial void BatchEmbedded(ILogger logger, int texts, int calls, int runs, long elapsedMs);

    [LoggerMessage(2, LogLevel.Error, "A batch of {Texts} texts failed.")]
    public static partial void BatchFailed(ILogger logger, int texts, Exception exception);
}
