using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagPlatform.Retrieval.Lexical;
using RagPlatform.Retrieval.Qdrant;
using RagPlatform.Retrieval.Vectors;
using ClientException = Qdrant.Client.QdrantException;
using QdrantVectors = Qdrant.Client.Grpc.Vectors;

namespace RagPlatform.Retrieval;

/// <summary>
/// <see cref="IPointIndex"/> over Qdrant's gRPC API through the official Qdrant.Client. A collection has a named dense
/// vector "dense" (cosine) and a sparse vector "lexical" with the Idf modifier (term frequencies are weighted here,
/// Qdrant multiplies in the idf); point ids are UUIDs derived from the string ids, which stay in the payload. Every
/// write waits until Qdrant has applied it. Searches are one Query API call each; hybrid is a dense and a lexical
/// prefetch fused by RRF inside Qdrant, so a Qdrant deployment does all retrieval itself.
/// </summary>
public sealed partial class QdrantIndex : IPointIndex
{
    private const string DenseVector = "dense";
    private const string LexicalVector = "lexical";

    private readonly QdrantChannel _channel;
    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options;
    private readonly SparseTermEncoder _sparse;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);

    /// <param name="loggers">Receives Qdrant.Client's own logs (each failed call at Error).</param>
    public QdrantIndex(QdrantIndexOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _sparse = new SparseTermEncoder(new TextAnalyzer(), options.Bm25, options.AssumedAverageDocumentLength);
        _channel = QdrantChannel.ForAddress(options.GrpcAddress,
            new ClientConfiguration { ApiKey = options.ApiKey, CertificateThumbprint = options.CertificateThumbprint });
        _client = new QdrantClient(new QdrantGrpcClient(_channel), options.CallTimeout, loggers);
    }

    public async Task CreateCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        IndexValidation.Spec(spec);
        if (await ExistsAsync(spec.Name, cancellationToken).ConfigureAwait(false))
        {
            throw new CollectionAlreadyExistsException(spec.Name);
        }

        var create = new CreateCollection
        {
            CollectionName = spec.Name,
            VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap { Map = { [DenseVector] = new VectorParams { Size = (ulong)spec.Dimensions, Distance = Distance.Cosine } } },
            },
            SparseVectorsConfig = new SparseVectorConfig { Map = { [LexicalVector] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        };
        try
        {
            await CallAsync(null, cancellationToken, () => _client.CreateCollectionAsync(create, cancellationToken)).ConfigureAwait(false);
        }
        catch (QdrantException e) when (e.StatusCode == StatusCode.AlreadyExists || e.Message.Contains("already exists", StringComparison.Ordinal))
        {
            throw new CollectionAlreadyExistsException(spec.Name); // created by someone else between the check and the create
        }

        try
        {
            // The replace's own filter (see ReplaceWhereAsync) is indexed like the caller's filterable fields.
            foreach (var (field, schema) in spec.FilterableFields.Select(f => (f.Key, Schema(f.Value)))
                         .Append((QdrantPayload.GenerationKey, PayloadSchemaType.Keyword)))
            {
                await CallAsync(spec.Name, cancellationToken, () => _client.CreatePayloadIndexAsync(spec.Name, field, schema, wait: true,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
        catch
        {
            // A collection without its payload indexes would filter unindexed (slow, or refused in strict mode): none at all.
            await DeleteCollectionAsync(spec.Name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        _dimensions[spec.Name] = spec.Dimensions;
    }

    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        try
        {
            // Asking whether it exists first keeps a missing collection off Qdrant.Client's error log.
            if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false))
            {
                _dimensions.TryRemove(name, out _);
                return null;
            }

            var info = await CallAsync(name, cancellationToken, () => _client.GetCollectionInfoAsync(name, cancellationToken)).ConfigureAwait(false);
            if (info.Config?.Params?.VectorsConfig?.ParamsMap?.Map is not { } vectors || !vectors.TryGetValue(DenseVector, out var dense))
            {
                throw new InvalidOperationException($"Qdrant collection '{name}' has no '{DenseVector}' vector: it was not created by this index.");
            }

            var dimensions = checked((int)dense.Size);
            _dimensions[name] = dimensions;
            return new CollectionInfo(name, dimensions, (long)info.PointsCount);
        }
        catch (CollectionNotFoundException)
        {
            return null; // deleted between the two calls
        }
    }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        var names = await CallAsync(null, cancellationToken, () => _client.ListCollectionsAsync(cancellationToken)).ConfigureAwait(false);
        return [.. names.Order(StringComparer.Ordinal)];
    }

    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        _dimensions.TryRemove(name, out _);
        if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await CallAsync(name, cancellationToken, () => _client.DeleteCollectionAsync(name, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (CollectionNotFoundException)
        {
            return false;
        }
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<IndexPoint> points, CancellationToken cancellationToken = default)
    {
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Points(points, dimensions);
        if (points.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException($"A batch holds at most {_options.MaxBatchSize} points, not {points.Count}.", nameof(points));
        }

        if (points.Count > 0)
        {
            var structs = ToStructs(points, NewGeneration());
            await CallAsync(collection, cancellationToken, () => _client.UpsertAsync(collection, structs, wait: true,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Ids(ids);
        if (ids.Count == 0)
        {
            await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false); // still reports a missing collection
            return;
        }

        var uuids = ids.Distinct(StringComparer.Ordinal).Select(QdrantPointId.For).ToList();
        await CallAsync(collection, cancellationToken, () => _client.DeleteAsync(collection, uuids, wait: true,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task DeleteWhereAsync(string collection, PointFilter filter, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Filter(filter);
        await CallAsync(collection, cancellationToken, () => _client.DeleteAsync(collection, QdrantFilters.From(filter)!, wait: true,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the new points as a new generation (a fresh <c>_rag_gen</c> in their payload), then deletes the points of
    /// <paramref name="replaced"/> of any other generation. The last upsert and the delete travel as one UpdateBatch
    /// request; larger replaces upsert their earlier batches first. Qdrant has no multi-operation transaction: it applies
    /// a batch's operations one after the other, each its own write-ahead-log entry. Writing before deleting is what
    /// keeps every crash safe: a Qdrant (or orchestrator) crash at any point leaves the old points, or the old and some
    /// new ones, never neither; the caller sees the error, retries, and the retry's delete removes every leftover of
    /// the interrupted generation. A search running between the two operations can see old and new chunks together
    /// for that instant (an id present in both is already the new one), never an empty document.
    /// </summary>
    public async Task ReplaceWhereAsync(string collection, PointFilter replaced, IReadOnlyList<IndexPoint> points,
        CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Filter(replaced);
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Points(points, dimensions);

        var generation = NewGeneration();
        var batches = points.Chunk(_options.MaxBatchSize).Select(batch => ToStructs(batch, generation)).ToList();
        foreach (var batch in batches.SkipLast(1))
        {
            await CallAsync(collection, cancellationToken, () => _client.UpsertAsync(collection, batch, wait: true,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var operations = new List<PointsUpdateOperation>(2);
        if (batches.Count > 0)
        {
            operations.Add(new PointsUpdateOperation { Upsert = new PointsUpdateOperation.Types.PointStructList { Points = { batches[^1] } } });
        }

        operations.Add(new PointsUpdateOperation
        {
            DeletePoints = new PointsUpdateOperation.Types.DeletePoints
            {
                Points = new PointsSelector { Filter = QdrantFilters.OlderThan(replaced, generation) },
            },
        });
        await CallAsync(collection, cancellationToken, () => _client.UpdateBatchAsync(collection, operations, wait: true,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<IndexPoint>> GetAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Ids(ids);
        var uuids = ids.Distinct(StringComparer.Ordinal).Select(id => new PointId { Uuid = QdrantPointId.For(id).ToString("D") }).ToList();
        var records = await CallAsync(collection, cancellationToken, () => _client.RetrieveAsync(collection, uuids,
            new WithPayloadSelector { Enable = true },
            new WithVectorsSelector { Include = new VectorsSelector { Names = { DenseVector } } },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var found = new Dictionary<string, IndexPoint>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var (id, text, fields) = QdrantPayload.Decode(record.Payload);
            var dense = record.Vectors?.Vectors?.Vectors is { } named && named.TryGetValue(DenseVector, out var output)
                ? output.GetDenseVector()
                : null;
            found[id] = new IndexPoint
            {
                Id = id,
                Vector = dense?.Data.ToArray() ?? throw new InvalidDataException($"Qdrant returned point '{id}' without its '{DenseVector}' vector."),
                Text = text,
                Payload = fields,
            };
        }

        return [.. ids.Distinct(StringComparer.Ordinal).Where(found.ContainsKey).Select(id => found[id])];
    }

    public async Task<long> CountAsync(string collection, PointFilter? filter = null, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        if (filter is not null)
        {
            IndexValidation.Filter(filter);
        }

        var count = await CallAsync(collection, cancellationToken, () => _client.CountAsync(collection, QdrantFilters.From(filter), exact: true,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (long)count;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string NewGeneration() => Guid.NewGuid().ToString("N");

    private List<PointStruct> ToStructs(IReadOnlyList<IndexPoint> points, string generation)
    {
        var structs = new List<PointStruct>(points.Count);
        foreach (var point in points)
        {
            var vectors = new NamedVectors { Vectors = { [DenseVector] = new Vector { Dense = new DenseVector { Data = { VectorMath.Normalized(point.Vector) } } } } };
            var (indices, values) = _sparse.Document(point.Text);
            if (indices.Length > 0)
            {
                vectors.Vectors[LexicalVector] = new Vector { Sparse = new SparseVector { Indices = { indices }, Values = { values } } };
            }

            var qdrant = new PointStruct { Id = new PointId { Uuid = QdrantPointId.For(point.Id).ToString("D") }, Vectors = new QdrantVectors { Vectors_ = vectors } };
            QdrantPayload.Encode(point, generation, qdrant.Payload);
            structs.Add(qdrant);
        }

        return structs;
    }

    private static PayloadSchemaType Schema(PayloadKind kind) => kind switch
    {
        PayloadKind.String or PayloadKind.StringList => PayloadSchemaType.Keyword,
        PayloadKind.Integer => PayloadSchemaType.Integer,
        PayloadKind.Double => PayloadSchemaType.Float,
        PayloadKind.Bool => PayloadSchemaType.Bool,
        _ => PayloadSchemaType.Datetime,
    };

    private Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        CallAsync(null, cancellationToken, () => _client.CollectionExistsAsync(name, cancellationToken));

    private async Task<int> DimensionsAsync(string collection, CancellationToken cancellationToken)
    {
        IndexValidation.CollectionName(collection);
        if (_dimensions.TryGetValue(collection, out var dimensions))
        {
            return dimensions;
        }

        var info = await GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        return info?.Dimensions ?? throw new CollectionNotFoundException(collection);
    }

    private Task CallAsync(string? collection, CancellationToken cancellationToken, Func<Task> call) =>
        CallAsync(collection, cancellationToken, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// One client call with its failures in this index's terms: NotFound on a collection becomes
    /// <see cref="CollectionNotFoundException"/>, a cancelled token <see cref="OperationCanceledException"/>, everything
    /// else (unreachable, refused, timed out) <see cref="QdrantException"/> with Qdrant's own message.
    /// </summary>
    private async Task<T> CallAsync<T>(string? collection, CancellationToken cancellationToken, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && collection is not null)
        {
            _dimensions.TryRemove(collection, out _);
            throw new CollectionNotFoundException(collection);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException e)
        {
            throw new QdrantException(e.StatusCode, $"Qdrant at {_options.GrpcAddress} answered {e.StatusCode}: {e.Status.Detail}", e);
        }
        catch (ClientException e)
        {
            throw new QdrantException(StatusCode.Unknown, $"Qdrant at {_options.GrpcAddress}: {e.Message}", e);
        }
    }
}
