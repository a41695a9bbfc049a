using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Status;
using RagPlatform.Retrieval;
using RagPlatform.Storage;

namespace RagPlatform.Ingestion.Pipeline;

/// <summary>
/// Documents in, searchable chunks out. Workers claim queued documents from the <see cref="IDocumentStore"/> as leases
/// (renewed while they work); each document is read, hashed (an unchanged one stops here), parsed, chunked, embedded,
/// and then its chunks replace the old ones in ONE atomic index write, under the document's lock and only while the
/// lease still holds it; only after that is it marked Indexed. A crash at any point therefore leaves the old version or
/// the new one, and the durable queue redoes the interrupted document (on the next start, or, with a shared store, when
/// its lease expires). Every failure is caught per document.
/// </summary>
public sealed partial class IngestionPipeline
{
    /// <summary>The payload field holding the document id (filterable: replacement and deletion select by it).</summary>
    public const string DocumentIdField = "document_id";

    private readonly IPointIndex _index;
    private readonly IPassageEmbedder _embedder;
    private readonly TextChunker _chunker;
    private readonly DocumentParsers _parsers;
    private readonly IDocumentStore _documents;
    private readonly IBlobReader _blobs;
    private readonly IngestionOptions _options;
    private readonly ILogger _logger;

    // Claims whose outcome could not be written (the store failed): released at the start of the next pass.
    private readonly ConcurrentDictionary<Guid, DocumentLease> _unsettled = new();

    public IngestionPipeline(IPointIndex index, IPassageEmbedder embedder, TextChunker chunker, DocumentParsers parsers,
        IDocumentStore documents, IngestionOptions options, ILogger<IngestionPipeline>? logger = null, IBlobReader? blobs = null)
    {
        options.Validate();
        _index = index;
        _embedder = embedder;
        _chunker = chunker;
        _parsers = parsers;
        _documents = documents;
        _blobs = blobs ?? new FileBlobReader();
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
            var file = new FileInfo(source.Path);
            await _documents.EnqueueAsync(collection, ContentIds.DocumentId(source.Path, source.DocumentId), file.FullName,
                file.Exists ? file.Length : 0, cancellationToken).ConfigureAwait(false);
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
    /// Processes queued documents (including those left by a crash or an expired lease) with
    /// <see cref="IngestionOptions.MaxConcurrency"/> workers, each claiming one document at a time, until none is left
    /// or a document had to be deferred because a dependency is down (the caller retries later).
    /// </summary>
    /// <exception cref="Storage.StoreUnavailableException">The store failed; claimed documents wait for the next pass.</exception>
    public async Task<IReadOnlyList<DocumentResult>> ProcessQueueAsync(CancellationToken cancellationToken = default)
    {
        foreach (var lease in _unsettled.Values)
        {
            await _documents.ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
            _unsettled.TryRemove(lease.Token, out _);
        }

        var results = new ConcurrentQueue<DocumentResult>();
        var held = new ConcurrentDictionary<Guid, DocumentLease>();
        var deferred = 0;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewLeasesAsync(held, renewal.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, _options.MaxConcurrency).Select(worker => Task.Run(async () =>
            {
                while (Volatile.Read(ref deferred) == 0 && await _documents.ClaimAsync(cancellationToken).ConfigureAwait(false) is { } lease)
                {
                    held[lease.Token] = lease;
                    try
                    {
                        var result = await ProcessAsync(lease, cancellationToken).ConfigureAwait(false);
                        results.Enqueue(result);
                        if (result.Outcome == IngestionOutcome.Deferred)
                        {
                            Volatile.Write(ref deferred, 1);
                        }
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        _unsettled[lease.Token] = lease;
                        throw;
                    }
                    finally
                    {
                        held.TryRemove(lease.Token, out _);
                    }
                }
            }, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await renewal.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }

        return [.. results];
    }

    public static PointFilter ByDocument(string documentId) => PointFilter.All(FilterCondition.Equal(DocumentIdField, documentId));

    /// <summary>Keeps the leases of documents in progress alive until <paramref name="stop"/>; a failed renewal is retried next round.</summary>
    private async Task RenewLeasesAsync(ConcurrentDictionary<Guid, DocumentLease> held, CancellationToken stop)
    {
        var interval = _documents.LeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
                if (!held.IsEmpty)
                {
                    await _documents.RenewAsync([.. held.Values], stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is down: the leases may lapse, and then the outcome writes find them gone (nothing is lost).
                IngestionLog.RenewalFailed(_logger, held.Count, e.Message);
            }
        }
    }

    private async Task<DocumentResult> ProcessAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        var (collection, documentId) = (lease.Collection, lease.DocumentId);
        DocumentResult result;
        if (lease.Attempt > _options.MaxAttempts)
        {
            result = await FailAsync(lease, $"Gave up after {_options.MaxAttempts} interrupted attempts.").ConfigureAwait(false);
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.DocumentTimeout);
            try
            {
                result = await IndexAsync(lease, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw; // the caller stopped: the row stays Indexing until the next start or the lease's end
            }
            catch (Exception e) when (e is DependencyUnavailableException or StoreUnavailableException || DiskFull.Is(e))
            {
                // Not the document's fault (the embedder or the database is down, the disk is full): back to the queue,
                // uncounted, until the condition passes. If even that write fails, the pass stops and the next one
                // releases the claim first.
                await _documents.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
                IngestionLog.Deferred(_logger, documentId, e.Message);
                result = new DocumentResult(collection, documentId, IngestionOutcome.Deferred, 0, e.Message);
            }
            catch (OperationCanceledException)
            {
                result = await FailAsync(lease, $"Timed out after {_options.DocumentTimeout.TotalSeconds:0.#} s.").ConfigureAwait(false);
            }
            catch (DocumentRejectedException e)
            {
                result = await FailAsync(lease, e.Message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Isolation: whatever one document does, the queue moves on to the next.
                result = await FailAsync(lease, $"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            }
        }

        DocumentCompleted?.Invoke(result);
        return result;
    }

    private async Task<DocumentResult> IndexAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        var queued = lease.Document;
        var (collection, documentId) = (queued.Collection, queued.DocumentId);
        var content = await _blobs.ReadAsync(queued.SourcePath, _parsers.Options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        var hash = ContentIds.ContentHash(content);
        if (queued.ContentHash == hash && queued.IndexedAt is not null)
        {
            return await _documents.MarkIndexedAsync(lease, hash, queued.ChunkCount, cancellationToken).ConfigureAwait(false)
                ? new DocumentResult(collection, documentId, IngestionOutcome.Unchanged, queued.ChunkCount, null)
                : new DocumentResult(collection, documentId, IngestionOutcome.Superseded, 0, null);
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

        // Under the document's lock and only while this lease still holds it: a delete or a newer upload that arrived
        // meanwhile (on any replica) wins, and no chunks of a deleted or superseded version are written back.
        await using (await _documents.LockAsync(collection, documentId, cancellationToken).ConfigureAwait(false))
        {
            if (!await _documents.HoldsAsync(lease, cancellationToken).ConfigureAwait(false))
            {
                return new DocumentResult(collection, documentId, IngestionOutcome.Superseded, 0, null);
            }

            await _index.ReplaceWhereAsync(collection, ByDocument(documentId), points, cancellationToken).ConfigureAwait(false);

            // False only when this worker stalled past its lease and another took the document over: that one writes
            // the same version again, so the chunks written here are never left half-owned.
            if (!await _documents.MarkIndexedAsync(lease, hash, chunks.Count, cancellationToken).ConfigureAwait(false))
            {
                return new DocumentResult(collection, documentId, IngestionOutcome.Superseded, 0, null);
            }
        }

        IngestionLog.Indexed(_logger, documentId, chunks.Count);
        return new DocumentResult(collection, documentId, IngestionOutcome.Indexed, chunks.Count, null);
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

    private async Task<DocumentResult> FailAsync(DocumentLease lease, string reason)
    {
        await _documents.MarkFailedAsync(lease, reason, CancellationToken.None).ConfigureAwait(false);
        IngestionLog.Failed(_logger, lease.DocumentId, reason);
        return new DocumentResult(lease.Collection, lease.DocumentId, IngestionOutcome.Failed, 0, reason);
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

    [LoggerMessage(4, LogLevel.Warning, "Could not renew the leases of {Count} documents in progress: {Reason}")]
    public static partial void RenewalFailed(ILogger logger, int count, string reason);
}
