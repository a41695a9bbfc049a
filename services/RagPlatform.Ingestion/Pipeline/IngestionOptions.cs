namespace RagPlatform.Ingestion.Pipeline;

public sealed record IngestionOptions
{
    /// <summary>Documents processed at once.</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>Wall-clock budget for one document (read, parse, chunk, embed, index); past it the document fails.</summary>
    public TimeSpan DocumentTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Starts allowed per document version; a document whose processing keeps crashing the worker fails after these.</summary>
    public int MaxAttempts { get; init; } = 3;

    public int MaxChunksPerDocument { get; init; } = 5_000;

    public int EmbeddingBatchSize { get; init; } = 32;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DocumentTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunksPerDocument, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1);
    }
}

/// <summary>A file to ingest; <see cref="DocumentId"/> defaults to the file name.</summary>
public sealed record IngestionSource(string Path, string? DocumentId = null);

public enum IngestionOutcome
{
    Indexed,
    /// <summary>Same bytes as the indexed version: nothing was embedded or written.</summary>
    Unchanged,
    Failed,
    /// <summary>A dependency (the embedding service) was unavailable: the document is queued again, attempt uncounted.</summary>
    Deferred,
    /// <summary>The document was deleted or a newer version queued while this one was processed: nothing was written.</summary>
    Superseded,
}

/// <summary>Reported once per processed document, as soon as its status is durable.</summary>
public sealed record DocumentResult(string Collection, string DocumentId, IngestionOutcome Outcome, int ChunkCount, string? Error);
