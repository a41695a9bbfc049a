using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RagPlatform.Contracts;
using RagPlatform.Contracts.V1;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Orchestrator.Storage;
using RagPlatform.Retrieval;
using DocumentState = RagPlatform.Ingestion.Status.DocumentState;
using WireDocumentState = RagPlatform.Contracts.V1.DocumentState;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// Collections and their documents: what rag.v1.Collections serves and what the ingestion worker drains. Uploads are
/// accepted while the embedder is down (they wait in the durable queue); the ingestion pipeline itself is built once
/// the embedder has told its dimensions and handed over its tokenizer.
/// </summary>
internal sealed class DocumentLibrary(
    IPointIndex index,
    IDocumentStore documents,
    IBlobStore blobs,
    ModelServices services,
    ModelTokenizers tokenizers,
    IngestionSettings settings,
    ILoggerFactory loggerFactory)
{
    private readonly DocumentParsers _parsers = new(settings.Parsing());
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly SemaphoreSlim _workAvailable = new(0, int.MaxValue);
    private IngestionPipeline? _pipeline;

    public IDocumentStore Documents => documents;

    /// <summary>The pipeline, built on first use from the embedder's Info and tokenizer.</summary>
    /// <exception cref="RpcException">UNAVAILABLE while the embedder cannot be reached.</exception>
    public async Task<IngestionPipeline> PipelineAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pipeline) is { } built)
        {
            return built;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            if (_pipeline is null)
            {
                var model = await services.InfoAsync(services.Embedder, DateTime.MaxValue, cancellationToken);
                var chunker = new TextChunker(await tokenizers.EmbedderAsync(model, cancellationToken), settings.Chunking(), model.MaxTokens);
                Volatile.Write(ref _pipeline, new IngestionPipeline(index, new RemotePassageEmbedder(services, model), chunker, _parsers, documents,
                    settings.Pipeline(), loggerFactory.CreateLogger<IngestionPipeline>(), blobs));
            }

            return _pipeline!;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>Waits until an upload arrives or <paramref name="timeout"/> passes.</summary>
    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _workAvailable.WaitAsync(timeout, cancellationToken);

    public async Task<Collection> CreateCollectionAsync(string name, DateTime deadline, CancellationToken cancellationToken)
    {
        DocumentNames.Collection(name, "name");
        var model = await services.InfoAsync(services.Embedder, deadline, cancellationToken);
        try
        {
            await index.CreateCollectionAsync(IngestionPipeline.CollectionSpecFor(name, model.Dimensions), cancellationToken);
        }
        catch (CollectionAlreadyExistsException)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Collection '{name}' already exists."));
        }

        return new Collection { Name = name, Dimensions = model.Dimensions };
    }

    public async Task<IReadOnlyList<Collection>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var collections = new List<Collection>();
        foreach (var name in await index.ListCollectionsAsync(cancellationToken))
        {
            if (await index.GetCollectionAsync(name, cancellationToken) is { } info)
            {
                collections.Add(await DescribeAsync(info, cancellationToken));
            }
        }

        return collections;
    }

    public async Task<Collection> GetCollectionAsync(string name, CancellationToken cancellationToken) =>
        await DescribeAsync(await RequireCollectionAsync(name, "name", cancellationToken), cancellationToken);

    public async Task DeleteCollectionAsync(string name, CancellationToken cancellationToken)
    {
        DocumentNames.Collection(name, "name");
        if (!await index.DeleteCollectionAsync(name, cancellationToken))
        {
            throw NotFound(name);
        }

        await documents.RemoveCollectionAsync(name, cancellationToken);
        await blobs.DeleteCollectionAsync(name, cancellationToken);
    }

    /// <summary>Stores the file durably and queues it; unchanged bytes of an indexed document are a no-op.</summary>
    public async Task<Document> UploadAsync(UploadDocumentRequest request, CancellationToken cancellationToken)
    {
        var extension = DocumentNames.FileName(request.FileName);
        var documentId = request.DocumentId.Length > 0 ? DocumentNames.DocumentId(request.DocumentId) : DocumentNames.DocumentIdFromFileName(request.FileName);
        if (!_parsers.Supports(request.FileName))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"file_name: '{extension}' files are not supported; send .txt, .md, .html, .htm, .docx, .pdf, .json or .jsonl."));
        }

        var content = request.Content.Memory;
        if (content.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "content is empty."));
        }

        if (content.Length > settings.MaxUploadBytes)
        {
            throw ErrorReasons.Exception(StatusCode.ResourceExhausted, ErrorReasons.TooLarge,
                $"content is {content.Length} bytes; this server accepts files of at most {settings.MaxUploadBytes} bytes (Ingestion:MaxUploadBytes).");
        }

        await RequireCollectionAsync(request.Collection, "collection", cancellationToken);
        // Uploads and deletes of one document take turns (on every replica), so neither removes the bytes the other just stored.
        await using var held = await documents.LockAsync(request.Collection, documentId, cancellationToken);
        if (await documents.GetAsync(request.Collection, documentId, cancellationToken) is { State: DocumentState.Indexed, ContentHash: { } indexedHash } indexed
            && indexedHash == Convert.ToHexStringLower(SHA256.HashData(content.Span)))
        {
            return Describe(indexed);
        }

        if (await blobs.AvailableBytesAsync(cancellationToken) is { } available && available - content.Length < settings.MinFreeDiskBytes)
        {
            throw DiskFullError();
        }

        try
        {
            var path = await blobs.StoreAsync(request.Collection, documentId, extension, content, cancellationToken);
            await documents.EnqueueAsync(request.Collection, documentId, path, content.Length, cancellationToken);
            await blobs.DeleteOtherVersionsAsync(request.Collection, documentId, path, cancellationToken);
        }
        catch (Exception ex) when (DiskFull.Is(ex))
        {
            throw DiskFullError();
        }

        // Described before the worker is woken, so the answer is the state the upload was accepted in (queued), not
        // whatever step the worker has reached by the time the response is built.
        var accepted = Describe((await documents.GetAsync(request.Collection, documentId, cancellationToken))!);
        _workAvailable.Release();
        return accepted;
    }

    /// <summary>
    /// Deletes stored uploads no document refers to: what a crash leaves between storing an upload and queueing it,
    /// between queueing a new version and deleting the old one, or halfway through deleting a document or a collection.
    /// Each document is swept under its lock, so an upload or delete running meanwhile (on any replica) is never cut short.
    /// </summary>
    /// <returns>How many stored versions were deleted.</returns>
    public async Task<int> RemoveOrphanedFilesAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var (collection, documentId) in await blobs.SweepCandidatesAsync(cancellationToken))
        {
            await using var held = await documents.LockAsync(collection, documentId, cancellationToken);
            deleted += await documents.GetAsync(collection, documentId, cancellationToken) is { } document
                ? await blobs.DeleteOtherVersionsAsync(collection, documentId, document.SourcePath, cancellationToken)
                : await blobs.DeleteDocumentAsync(collection, documentId, cancellationToken);
        }

        await blobs.TidyAsync(cancellationToken);
        return deleted;
    }

    public async Task<(IReadOnlyList<Document> Documents, string NextPageToken)> ListDocumentsAsync(ListDocumentsRequest request, CancellationToken cancellationToken)
    {
        await RequireCollectionAsync(request.Collection, "collection", cancellationToken);
        if (request.PageSize is < 0 or > 1000)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size must be 0 to 1000 (was {request.PageSize})."));
        }

        var after = request.PageToken.Length == 0 ? "" : DocumentNames.DocumentId(request.PageToken, "page_token");
        var pageSize = request.PageSize == 0 ? 100 : request.PageSize;
        var page = await documents.ListAsync(request.Collection, after, pageSize + 1, cancellationToken);
        var described = page.Take(pageSize).Select(Describe).ToList();
        return (described, page.Count > pageSize ? described[^1].DocumentId : "");
    }

    public async Task<Document> GetDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        await RequireCollectionAsync(collection, "collection", cancellationToken);
        return Describe(await documents.GetAsync(collection, DocumentNames.DocumentId(documentId), cancellationToken)
            ?? throw DocumentNotFound(collection, documentId));
    }

    public async Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        await RequireCollectionAsync(collection, "collection", cancellationToken);
        // The lock an ingestion's final write takes too: one in flight (on any replica) finishes first, or finds the
        // document gone and writes nothing.
        await using var held = await documents.LockAsync(collection, documentId, cancellationToken);
        if (await documents.GetAsync(collection, DocumentNames.DocumentId(documentId), cancellationToken) is null)
        {
            throw DocumentNotFound(collection, documentId);
        }

        await index.DeleteWhereAsync(collection, IngestionPipeline.ByDocument(documentId), cancellationToken);
        await documents.RemoveAsync(collection, documentId, cancellationToken);
        await blobs.DeleteDocumentAsync(collection, documentId, cancellationToken);
    }

    private async Task<CollectionInfo> RequireCollectionAsync(string name, string field, CancellationToken cancellationToken) =>
        await index.GetCollectionAsync(DocumentNames.Collection(name, field), cancellationToken) ?? throw NotFound(name);

    private async Task<Collection> DescribeAsync(CollectionInfo info, CancellationToken cancellationToken) => new()
    {
        Name = info.Name,
        Dimensions = info.Dimensions,
        ChunkCount = info.PointCount,
        DocumentCount = await documents.CountAsync(info.Name, cancellationToken),
    };

    private static Document Describe(DocumentStatus row)
    {
        var document = new Document
        {
            Collection = row.Collection,
            DocumentId = row.DocumentId,
            State = row.State switch
            {
                DocumentState.Queued => WireDocumentState.Queued,
                DocumentState.Indexing => WireDocumentState.Indexing,
                DocumentState.Indexed => WireDocumentState.Indexed,
                _ => WireDocumentState.Failed,
            },
            Error = row.Error ?? "",
            ChunkCount = row.ChunkCount,
            ContentHash = row.ContentHash ?? "",
            SizeBytes = row.SizeBytes,
            Attempts = row.Attempts,
            QueuedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(row.QueuedAt),
            UpdatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(row.UpdatedAt),
        };
        if (row.IndexedAt is { } indexedAt)
        {
            document.IndexedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(indexedAt);
        }

        return document;
    }

    private static RpcException NotFound(string collection) => new(new Status(StatusCode.NotFound, $"Collection '{collection}' does not exist."));

    private static RpcException DocumentNotFound(string collection, string documentId) =>
        new(new Status(StatusCode.NotFound, $"Document '{documentId}' does not exist in collection '{collection}'."));

    public static RpcException DiskFullError() => ErrorReasons.Exception(StatusCode.ResourceExhausted, ErrorReasons.DiskFull,
        "The orchestrator's disk is full: nothing was stored. Free space and retry.");
}
