using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RagPlatform.Retrieval.Lexical;
using RagPlatform.Retrieval.Qdrant;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval;

/// <summary>
/// <see cref="IPointIndex"/> over Qdrant's REST API. A collection has a named dense vector "dense" (cosine) and a
/// sparse vector "lexical" with the idf modifier; point ids are UUIDs derived from the string ids, which stay in
/// the payload. Writes use ?wait=true, so they return once Qdrant has applied them. Hybrid search is one Query API
/// call: a dense and a lexical prefetch fused with RRF.
/// </summary>
public sealed class QdrantIndex : IPointIndex
{
    private const string DenseVector = "dense";
    private const string LexicalVector = "lexical";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly QdrantIndexOptions _options;
    private readonly SparseTermEncoder _sparse;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);

    /// <param name="http">Used as given (its BaseAddress is ignored); the caller owns its lifetime.</param>
    public QdrantIndex(HttpClient http, QdrantIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        _sparse = new SparseTermEncoder(new TextAnalyzer(), options.Bm25, options.AssumedAverageDocumentLength);
    }

    public async Task CreateCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        IndexValidation.Spec(spec);
        using (var exists = await SendAsync(HttpMethod.Get, $"collections/{spec.Name}/exists", null, null, cancellationToken).ConfigureAwait(false))
        {
            if (exists.RootElement.GetProperty("result").GetProperty("exists").GetBoolean())
            {
                throw new CollectionAlreadyExistsException(spec.Name);
            }
        }

        var body = new JsonObject
        {
            ["vectors"] = new JsonObject { [DenseVector] = new JsonObject { ["size"] = spec.Dimensions, ["distance"] = "Cosine" } },
            ["sparse_vectors"] = new JsonObject { [LexicalVector] = new JsonObject { ["modifier"] = "idf" } },
        };
        (await SendAsync(HttpMethod.Put, $"collections/{spec.Name}", body, null, cancellationToken).ConfigureAwait(false)).Dispose();
        _dimensions[spec.Name] = spec.Dimensions;
        foreach (var (field, kind) in spec.FilterableFields)
        {
            var index = new JsonObject { ["field_name"] = field, ["field_schema"] = FieldSchema(kind) };
            (await SendAsync(HttpMethod.Put, $"collections/{spec.Name}/index?wait=true", index, spec.Name, cancellationToken)
                .ConfigureAwait(false)).Dispose();
        }
    }

    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, $"collections/{name}", null, name, cancellationToken).ConfigureAwait(false);
            var result = response.RootElement.GetProperty("result");
            var vectors = result.GetProperty("config").GetProperty("params").GetProperty("vectors");
            if (vectors.ValueKind != JsonValueKind.Object || !vectors.TryGetProperty(DenseVector, out var dense))
            {
                throw new InvalidOperationException($"Qdrant collection '{name}' has no '{DenseVector}' vector: it was not created by this adapter.");
            }

            var dimensions = dense.GetProperty("size").GetInt32();
            _dimensions[name] = dimensions;
            var points = result.TryGetProperty("points_count", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt64() : 0;
            return new CollectionInfo(name, dimensions, points);
        }
        catch (CollectionNotFoundException)
        {
            _dimensions.TryRemove(name, out _);
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "collections", null, null, cancellationToken).ConfigureAwait(false);
        return
        [
            .. response.RootElement.GetProperty("result").GetProperty("collections").EnumerateArray()
                .Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal),
        ];
    }

    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        _dimensions.TryRemove(name, out _);
        using (var exists = await SendAsync(HttpMethod.Get, $"collections/{name}/exists", null, null, cancellationToken).ConfigureAwait(false))
        {
            if (!exists.RootElement.GetProperty("result").GetProperty("exists").GetBoolean())
            {
                return false;
            }
        }

        (await SendAsync(HttpMethod.Delete, $"collections/{name}", null, null, cancellationToken).ConfigureAwait(false)).Dispose();
        return true;
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<IndexPoint> points, CancellationToken cancellationToken = default)
    {
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Points(points, dimensions);
        if (points.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException($"A batch holds at most {_options.MaxBatchSize} points, not {points.Count}.", nameof(points));
        }

        if (points.Count == 0)
        {
            return;
        }

        var body = new JsonObject { ["points"] = new JsonArray([.. points.Select(PointJson)]) };
        (await SendAsync(HttpMethod.Put, $"collections/{collection}/points?wait=true", body, collection, cancellationToken)
            .ConfigureAwait(false)).Dispose();
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

        var body = new JsonObject { ["points"] = PointIds(ids) };
        (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", body, collection, cancellationToken)
            .ConfigureAwait(false)).Dispose();
    }

    public async Task DeleteWhereAsync(string collection, PointFilter filter, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Filter(filter);
        var body = new JsonObject { ["filter"] = QdrantPayload.Filter(filter) };
        (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", body, collection, cancellationToken)
            .ConfigureAwait(false)).Dispose();
    }

    /// <summary>
    /// One <c>POST /collections/{name}/points/batch</c> request: a delete-by-filter operation then an upsert. Qdrant
    /// applies a batch's operations in order within one request and its WAL makes the request durable as a whole, but it
    /// has no multi-operation transaction: a concurrent search may run between the two operations and see neither
    /// old nor new chunks of the document for that instant (a crash cannot leave half: the request is one WAL entry).
    /// </summary>
    public async Task ReplaceWhereAsync(string collection, PointFilter replaced, IReadOnlyList<IndexPoint> points,
        CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Filter(replaced);
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Points(points, dimensions);
        if (points.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException($"A batch holds at most {_options.MaxBatchSize} points, not {points.Count}.", nameof(points));
        }

        var filter = QdrantPayload.Filter(replaced) ?? [];
        var operations = new JsonArray { new JsonObject { ["delete"] = new JsonObject { ["filter"] = filter } } };
        if (points.Count > 0)
        {
            operations.Add(new JsonObject { ["upsert"] = new JsonObject { ["points"] = new JsonArray([.. points.Select(PointJson)]) } });
        }

        var body = new JsonObject { ["operations"] = operations };
        (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/batch?wait=true", body, collection, cancellationToken)
            .ConfigureAwait(false)).Dispose();
    }

    public async Task<IReadOnlyList<IndexPoint>> GetAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(collection);
        IndexValidation.Ids(ids);
        var body = new JsonObject
        {
            ["ids"] = PointIds(ids),
            ["with_payload"] = true,
            ["with_vector"] = new JsonArray(DenseVector),
        };
        using var response = await SendAsync(HttpMethod.Post, $"collections/{collection}/points", body, collection, cancellationToken)
            .ConfigureAwait(false);
        var found = new Dictionary<string, IndexPoint>(StringComparer.Ordinal);
        foreach (var record in response.RootElement.GetProperty("result").EnumerateArray())
        {
            var (id, text, fields) = QdrantPayload.Decode(record.GetProperty("payload"));
            var vector = record.GetProperty("vector").GetProperty(DenseVector).EnumerateArray().Select(x => x.GetSingle()).ToArray();
            found[id] = new IndexPoint { Id = id, Vector = vector, Text = text, Payload = fields };
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

        var body = new JsonObject { ["exact"] = true };
        if (filter is not null)
        {
            body["filter"] = QdrantPayload.Filter(filter);
        }

        using var response = await SendAsync(HttpMethod.Post, $"collections/{collection}/points/count", body, collection, cancellationToken)
            .ConfigureAwait(false);
        return response.RootElement.GetProperty("result").GetProperty("count").GetInt64();
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default)
    {
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Search(request, dimensions);
        var dense = request.Mode == SearchMode.Lexical ? null : JsonVector(VectorMath.Normalized(request.Vector));
        var lexical = request.Mode == SearchMode.Dense ? null : SparseQuery(request.Text!);
        var body = new JsonObject { ["limit"] = request.Limit, ["with_payload"] = true };
        if (request.ScoreThreshold is { } threshold)
        {
            body["score_threshold"] = threshold;
        }

        switch (request.Mode)
        {
            case SearchMode.Lexical when lexical is null:
                return []; // nothing to match: every term was a stop word
            case SearchMode.Dense or SearchMode.Lexical:
                body["query"] = dense is null ? lexical : dense;
                body["using"] = dense is null ? LexicalVector : DenseVector;
                AddFilter(body, request.Filter);
                break;
            default:
                var candidates = Math.Max(request.Limit, _options.HybridCandidates);
                var prefetch = new JsonArray(Prefetch(dense!, DenseVector, candidates, request.Filter));
                if (lexical is not null)
                {
                    prefetch.Add(Prefetch(lexical, LexicalVector, candidates, request.Filter));
                }

                body["prefetch"] = prefetch;

                // Qdrant scores a 0-based position p as 1 / (p + k); k + 1 there is the standard 1 / (k + rank), rank from 1.
                body["query"] = new JsonObject { ["rrf"] = new JsonObject { ["k"] = _options.RrfK + 1 } };
                break;
        }

        using var response = await SendAsync(HttpMethod.Post, $"collections/{collection}/points/query", body, collection, cancellationToken)
            .ConfigureAwait(false);
        var hits = new List<SearchHit>();
        foreach (var point in response.RootElement.GetProperty("result").GetProperty("points").EnumerateArray())
        {
            var (id, text, fields) = QdrantPayload.Decode(point.GetProperty("payload"));
            hits.Add(new SearchHit(id, point.GetProperty("score").GetSingle(), text, fields));
        }

        return hits;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static JsonObject Prefetch(JsonNode query, string vector, int limit, PointFilter? filter)
    {
        var prefetch = new JsonObject { ["query"] = query, ["using"] = vector, ["limit"] = limit };
        AddFilter(prefetch, filter);
        return prefetch;
    }

    private static void AddFilter(JsonObject body, PointFilter? filter)
    {
        if (filter is not null)
        {
            body["filter"] = QdrantPayload.Filter(filter);
        }
    }

    private JsonObject PointJson(IndexPoint point)
    {
        var vectors = new JsonObject { [DenseVector] = JsonVector(VectorMath.Normalized(point.Vector)) };
        var (indices, values) = _sparse.Document(point.Text);
        if (indices.Length > 0)
        {
            vectors[LexicalVector] = SparseVector(indices, values);
        }

        return new JsonObject { ["id"] = QdrantPointId.For(point.Id), ["vector"] = vectors, ["payload"] = QdrantPayload.Encode(point) };
    }

    private JsonObject? SparseQuery(string text)
    {
        var (indices, values) = _sparse.Query(text);
        return indices.Length == 0 ? null : SparseVector(indices, values);
    }

    private static JsonObject SparseVector(uint[] indices, float[] values) => new()
    {
        ["indices"] = new JsonArray([.. indices.Select(i => (JsonNode)JsonValue.Create(i))]),
        ["values"] = JsonVector(values),
    };

    private static JsonArray JsonVector(float[] vector) => new([.. vector.Select(x => (JsonNode)JsonValue.Create(x))]);

    private static JsonArray PointIds(IReadOnlyCollection<string> ids) =>
        new([.. ids.Distinct(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(QdrantPointId.For(id)))]);

    private static string FieldSchema(PayloadKind kind) => kind switch
    {
        PayloadKind.String or PayloadKind.StringList => "keyword",
        PayloadKind.Integer => "integer",
        PayloadKind.Double => "float",
        PayloadKind.Bool => "bool",
        _ => "datetime",
    };

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

    /// <summary>One request; a non-success status becomes <see cref="CollectionNotFoundException"/> (404 on a collection) or <see cref="QdrantException"/>.</summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, JsonNode? body, string? collection, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_options.BaseAddress!, path));
        if (_options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("api-key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = Json;
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return JsonDocument.Parse(text);
        }

        if (response.StatusCode == HttpStatusCode.NotFound && collection is not null)
        {
            _dimensions.TryRemove(collection, out _);
            throw new CollectionNotFoundException(collection);
        }

        throw new QdrantException((int)response.StatusCode,
            $"Qdrant {method} /{path.Split('?')[0]} failed with {(int)response.StatusCode}: {ErrorMessage(text) ?? response.ReasonPhrase}");
    }

    private static string? ErrorMessage(string body)
    {
        try
        {
            using var error = JsonDocument.Parse(body);
            return error.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object &&
                status.TryGetProperty("error", out var message)
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? null : body[..Math.Min(body.Length, 500)];
        }
    }
}
