using Microsoft.Extensions.Logging;

namespace RagPlatform.Reranker;

internal static partial class RerankerLog
{
    [LoggerMessage(1, LogLevel.Debug, "Scored {Pairs} pairs in {ElapsedMs} ms.")]
    public static partial void Scored(ILogger logger, int pairs, long elapsedMs);
}
