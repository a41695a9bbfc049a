using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Status;
using RagPlatform.Retrieval;

namespace RagPlatform.Ingestion.Pipeline;

/// <summary>
/// Documents in, searchable chunks out. Each document is read, hashed (an unchanged one stops here), parsed, chunked,
/// embedded, and then its chunks replace the old ones in ONE atomic index write; only after that is it marked
/// Indexed. A crash at any point therefore leaves the old version or the new one, and the durable queue (the status
/// table) redoes the interrupted document on the next run. Every failure is caught per document.
/// </summary>
public sealed partial class IngestionPipeline
{
    /// <summary>The payload field holding the document id (filterable: replacement and deletion select by it).</summary>
    public const string DocumentIdField = "document_id";

    private readonly IPointIndex _index;
    private readonly IPassageEmbedder _embedder;
    private readonly TextChunker _chunker;
    private readonly DocumentParsers _parsers;
    private readonly DocumentStatusStore _status;
    private readonly IngestionOptions _options;
    private readonly ILogger _logger;
    private readonly DocumentLocks _locks = new();

    public IngestionPipeline(IPointIndex index, IPassageEmbedder embedder, TextChunker chunker, DocumentParsers parsers,
        DocumentStatusStore status, IngestionOptions options, ILogger<IngestionPipeline>? logger = null)
    {
        options.Validate();
        _index = index;
        _embedder = embedder;
        _chunker = chunker;
        _parsers = parsers;
        _status = status;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after each document's outcome is durable (from worker threads).</summary>
    public event Action<DocumentResult>? DocumentCompleted;

    /// <summary>Creates the collection for this embedder when it does not exist.</summary>
    public async Task EnsureCollectionAsync(string collection, CancellationToken cancellationToken = default)
    {
        if (await _index.GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false) is null)
        {
            await _index.CreateCollectionAsync(CollectionSpecFor(collection, _embedder.Dimensions), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What a collection that this pipeline ingests into is created with: the vectors' size and the document filter.</summary>
    public static CollectionSpec CollectionSpecFor(string collection, int dimensions) => new(collection, dimensions)
    {
        FilterableFields = new Dictionary<string, PayloadKind> { [DocumentIdField] = PayloadKind.String },
    };

    /// <summary>Durably accepts the files into the queue; they are processed by <see cref="ProcessQueueAsync"/>.</summary>
    public async Task EnqueueAsync(string collection, IEnumerable<IngestionSource> sources, CancellationToken cancellationToken = default)
    {
        await EnsureCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        foreach (var source in sources)
        {
            _status.Enqueue(collection, ContentIds.DocumentId(source.Path, source.DocumentId), Path.GetFullPath(source.Path));
        }
    }

    /// <summary>Enqueues the files and processes the queue until it is empty (a benchmark's entry point).</summary>
    public async Task<IReadOnlyList<DocumentResult>> IngestAsync(string collection, IEnumerable<IngestionSource> sources,
        CancellationToken cancellationToken = default)
    {
        await EnqueueAsync(collection, sources, cancellationToken).ConfigureAwait(false);
        return await ProcessQueueAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Processes queued documents (including those left by a crash) with bounded concurrency until none is left, or
    /// until a document had to be deferred because a dependency is down (the caller retries later).
    /// </summary>
    public async Task<IReadOnlyList<DocumentResult>> ProcessQueueAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<DocumentResult>();
        while (_status.Queued(_options.MaxConcurrency * 4) is { Count: > 0 } batch)
        {
            var done = new DocumentResult[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => done[i] = await ProcessAsync(batch[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
            results.AddRange(done);
            if (Array.Exists(done, r => r.Outcome == IngestionOutcome.Deferred))
            {
                break;
            }
        }

        return results;
    }

    /// <summary>Removes every chunk of the document and its status; waits for an indexing write of it in flight.</summary>
    public async Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken = default)
    {
        using (await _locks.AcquireAsync(collection, documentId, cancellationToken).ConfigureAwait(false))
        {
            await _index.DeleteWhereAsync(collection, ByDocument(documentId), cancellationToken).ConfigureAwait(false);
            _status.Remove(collection, documentId);
        }
    }

    public static PointFilter ByDocument(string documentId) => PointFilter.All(FilterCondition.Equal(DocumentIdField, documentId));

    private async Task<DocumentResult> ProcessAsync(DocumentStatus queued, CancellationToken cancellationToken)
    {
        var (collection, documentId) = (queued.Collection, queued.DocumentId);
        DocumentResult result;
        var attempt = _status.MarkIndexing(collection, documentId);
        if (attempt > _options.MaxAttempts)
        {
            result = Fail(queued, $"Gave up after {_options.MaxAttempts} interrupted attempts.");
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.DocumentTimeout);
            try
            {
                result = await IndexAsync(queued, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw; // the caller stopped: the row stays Indexing and is queued again on the next open
            }
            catch (Exception e) when (e is DependencyUnavailableException || DiskFull.Is(e))
            {
                // Not the document's fault (the embedder is down, the disk is full): back to the queue, uncounted, until
                // the condition passes. If even that write fails, the pass stops and the row is requeued before the next.
                _status.Requeue(collection, documentId, queued.SourcePath);
                IngestionLog.Deferred(_logger, documentId, e.Message);
                result = new DocumentResult(collection, documentId, IngestionOutcome.Deferred, 0, e.Message);
            }
            catch (OperationCanceledException)
            {
                result = Fail(queued, $"Timed out after {_options.DocumentTimeout.TotalSeconds:0.#} s.");
            }
            catch (DocumentRejectedException e)
            {
                result = Fail(queued, e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Isolation: whatever one document does, the queue moves on to the next.
                result = Fail(queued, $"{e.GetType().Name}: {e.Message}");
            }
        }

        DocumentCompleted?.Invoke(result);
        return result;
    }

    private async Task<DocumentResult> IndexAsync(DocumentStatus queued, CancellationToken cancellationToken)
    {
        var (collection, documentId) = (queued.Collection, queued.DocumentId);
        var content = await ReadAsync(queued.SourcePath, cancellationToken).ConfigureAwait(false);
        var hash = ContentIds.ContentHash(content);
        if (queued.ContentHash == hash && queued.IndexedAt is not null)
        {
            _status.MarkIndexed(collection, documentId, queued.SourcePath, hash, queued.ChunkCount);
            return new DocumentResult(collection, documentId, IngestionOutcome.Unchanged, queued.ChunkCount, null);
        }

        var parsed = await _parsers.ParseAsync(queued.SourcePath, content, cancellationToken).ConfigureAwait(false);
        var chunks = _chunker.Chunk(documentId, parsed, cancellationToken);
        if (chunks.Count > _options.MaxChunksPerDocument)
        {
            throw new DocumentRejectedException($"The document makes {chunks.Count} chunks, over the limit of {_options.MaxChunksPerDocument}.");
        }

        var points = new List<IndexPoint>(chunks.Count);
        foreach (var batch in chunks.Chunk(_options.EmbeddingBatchSize))
        {
            var vectors = await _embedder.EmbedPassagesAsync([.. batch.Select(c => c.Text)], cancellationToken).ConfigureAwait(false);
            points.AddRange(batch.Select((chunk, i) => ToPoint(chunk, vectors[i], parsed.Title, hash)));
        }

        // Under the document's lock and only while this version is still the one queued: a delete or a newer upload
        // that arrived meanwhile wins, and no chunks of a deleted or superseded version are written back.
        using (await _locks.AcquireAsync(collection, documentId, cancellationToken).ConfigureAwait(false))
        {
            if (_status.Get(collection, documentId) is not { State: DocumentState.Indexing } current || current.SourcePath != queued.SourcePath)
            {
                return new DocumentResult(collection, documentId, IngestionOutcome.Superseded, 0, null);
            }

            await _index.ReplaceWhereAsync(collection, ByDocument(documentId), points, cancellationToken).ConfigureAwait(false);
            _status.MarkIndexed(collection, documentId, queued.SourcePath, hash, chunks.Count);
        }

        IngestionLog.Indexed(_logger, documentId, chunks.Count);
        return new DocumentResult(collection, documentId, IngestionOutcome.Indexed, chunks.Count, null);
    }

    private async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > _parsers.Options.MaxFileBytes)
            {
                throw new DocumentRejectedException($"The file is {length} bytes, over the limit of {_parsers.Options.MaxFileBytes}.");
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentRejectedException($"The file cannot be read: {e.Message}", e);
        }
    }

    private static IndexPoint ToPoint(DocumentChunk chunk, float[] vector, string? title, string contentHash)
    {
        var payload = new Dictionary<string, PayloadValue>(StringComparer.Ordinal);
        foreach (var (key, value) in chunk.Metadata)
        {
            payload["meta." + key] = value;
        }

        payload[DocumentIdField] = chunk.DocumentId;
        payload["ordinal"] = (long)chunk.Ordinal;
        payload["section"] = PayloadValue.From(chunk.SectionPath);
        payload["start"] = (long)chunk.Start;
        payload["end"] = (long)chunk.End;
        payload["tokens"] = (long)chunk.TokenCount;
        payload["content_hash"] = contentHash;
        if (title is not null)
        {
            payload["title"] = title;
        }

        return new IndexPoint { Id = chunk.Id, Vector = vector, Text = chunk.Text, Payload = payload };
    }

    private DocumentResult Fail(DocumentStatus queued, string reason)
    {
        _status.MarkFailed(queued.Collection, queued.DocumentId, queued.SourcePath, reason);
        IngestionLog.Failed(_logger, queued.DocumentId, reason);
        return new DocumentResult(queued.Collection, queued.DocumentId, IngestionOutcome.Failed, 0, reason);
    }
}

internal static partial class IngestionLog
{
    [LoggerMessage(1, LogLevel.Debug, "Indexed {DocumentId}: {ChunkCount} chunks")]
    public static partial void Indexed(ILogger logger, string documentId, int chunkCount);

    [LoggerMessage(2, LogLevel.Warning, "Ingestion of {DocumentId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string documentId, string reason);

    [LoggerMessage(3, LogLevel.Information, "Ingestion of {DocumentId} deferred until a dependency is back: {Reason}")]
    public static partial void Deferred(ILogger logger, string documentId, string reason);
}
