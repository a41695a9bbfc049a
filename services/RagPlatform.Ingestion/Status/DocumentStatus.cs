namespace RagPlatform.Ingestion.Status;

public enum DocumentState
{
    Queued,
    Indexing,
    Indexed,
    Failed,
}

/// <param name="SourcePath">Where the queued version's bytes are: a file path, or a blob store's locator.</param>
/// <param name="SizeBytes">Size of that version.</param>
/// <param name="ContentHash">sha256 of the bytes last indexed (kept while a new version is queued or fails).</param>
/// <param name="ChunkCount">Chunks of that indexed version.</param>
/// <param name="Attempts">Starts of the current version; bounded so a document that kills its worker is not retried forever.</param>
public sealed record DocumentStatus(
    string Collection,
    string DocumentId,
    DocumentState State,
    string SourcePath,
    long SizeBytes,
    string? ContentHash,
    int ChunkCount,
    string? Error,
    int Attempts,
    DateTimeOffset QueuedAt,
    DateTimeOffset? IndexedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A worker's claim on one queued document: the row is Indexing, its attempt counted, and no other worker (in this
/// process or another) takes it while the lease is renewed. Every outcome is written only while
/// <see cref="Token"/> still holds the row, so a newer upload, a delete or a worker that took over an expired lease wins.
/// </summary>
/// <param name="Document">The row as claimed; <see cref="DocumentStatus.Attempts"/> counts this start.</param>
public sealed record DocumentLease(DocumentStatus Document, Guid Token)
{
    public string Collection => Document.Collection;

    public string DocumentId => Document.DocumentId;

    public int Attempt => Document.Attempts;
}
