using Microsoft.Extensions.Logging;

namespace RagPlatform.Orchestrator;

internal static partial class OrchestratorLog
{
    [LoggerMessage(1, LogLevel.Information, "Ingestion pass: {Processed} documents, {Indexed} indexed, {Failed} failed.")]
    public static partial void IngestionPass(ILogger logger, int processed, int indexed, int failed);

    [LoggerMessage(2, LogLevel.Warning, "Ingestion paused for {Seconds} s: {Reason}")]
    public static partial void IngestionPaused(ILogger logger, double seconds, string reason);

    [LoggerMessage(3, LogLevel.Warning, "{Stage} degraded for this answer: {Reason}")]
    public static partial void StageDegraded(ILogger logger, string stage, string reason);

    [LoggerMessage(4, LogLevel.Information, "Answered in {TotalMs} ms (retrieve {RetrieveMs} ms, rerank {RerankMs} ms, generate {GenerateMs} ms); {Passages} passages, {Cited} cited{Degraded}.")]
    public static partial void Answered(ILogger logger, double totalMs, double retrieveMs, double rerankMs, double generateMs, int passages, int cited, string degraded);

    [LoggerMessage(5, LogLevel.Information, "Opened the {Provider} index at {Location}.")]
    public static partial void IndexOpened(ILogger logger, string provider, string location);

    [LoggerMessage(6, LogLevel.Information, "Removed {Files} stored upload files no document refers to (left by an interrupted upload or delete).")]
    public static partial void OrphanedFilesRemoved(ILogger logger, int files);

    [LoggerMessage(7, LogLevel.Warning, "Could not sweep stored uploads for orphaned files: {Reason}")]
    public static partial void OrphanSweepFailed(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Information, "{Service} serves {ModelId} (forged: {Forged}).")]
    public static partial void ModelKnown(ILogger logger, string service, string modelId, bool forged);

    [LoggerMessage(9, LogLevel.Debug, "{Service} did not describe its model: {Reason}")]
    public static partial void ModelInfoUnavailable(ILogger logger, string service, string reason);

    [LoggerMessage(10, LogLevel.Information, "{Stage} skipped for this answer: {Reason}")]
    public static partial void StageSkipped(ILogger logger, string stage, string reason);
}
