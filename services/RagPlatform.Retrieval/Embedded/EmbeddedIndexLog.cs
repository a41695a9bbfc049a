using Microsoft.Extensions.Logging;

namespace RagPlatform.Retrieval.Embedded;

internal static partial class EmbeddedIndexLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded collection {Collection}: {Points} points in {ElapsedMs} ms (HNSW snapshot used: {FromSnapshot})")]
    public static partial void CollectionLoaded(ILogger logger, string collection, int points, long elapsedMs, bool fromSnapshot);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "HNSW snapshot of collection {Collection} rejected, rebuilding the graph from the database: {Reason}")]
    public static partial void SnapshotRejected(ILogger logger, string collection, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Wrote the HNSW snapshot of collection {Collection} at sequence {Sequence}")]
    public static partial void SnapshotWritten(ILogger logger, string collection, long sequence);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not write the HNSW snapshot of collection {Collection}")]
    public static partial void SnapshotFailed(ILogger logger, string collection, Exception exception);
}
