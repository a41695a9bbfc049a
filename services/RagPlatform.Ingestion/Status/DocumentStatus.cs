namespace RagPlatform.Ingestion.Status;

public enum DocumentState
{
    Queued,
    Indexing,
    Indexed,
    Failed,
}

/// <param name="ContentHash">sha256 of the bytes last indexed (kept while a new version is queued or fails).</param>
/// <param name="ChunkCount">Chunks of that indexed version.</param>
/// <param name="Attempts">Starts of the current version; bounded so a document that kills its worker is not retried forever.</param>
public sealed record DocumentStatus(
    string Collection,
    string DocumentId,
    DocumentState State,
    string SourcePath,
    string? ContentHash,
    int ChunkCount,
    string? Error,
    int Attempts,
    DateTimeOffset QueuedAt,
    DateTimeOffset? IndexedAt,
    DateTimeOffset UpdatedAt);
