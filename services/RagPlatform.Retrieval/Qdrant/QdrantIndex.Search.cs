using Qdrant.Client.Grpc;
using RagPlatform.Retrieval.Qdrant;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval;

/// <summary>The three search modes, each one Query API call.</summary>
public sealed partial class QdrantIndex
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default)
    {
        var dimensions = await DimensionsAsync(collection, cancellationToken).ConfigureAwait(false);
        IndexValidation.Search(request, dimensions);
        var dense = request.Mode == SearchMode.Lexical ? null : DenseQuery(request.Vector!);
        var lexical = request.Mode == SearchMode.Dense ? null : SparseQuery(request.Text!);
        var filter = QdrantFilters.From(request.Filter);
        Query query;
        string? vector = null;
        List<PrefetchQuery>? prefetch = null;
        switch (request.Mode)
        {
            case SearchMode.Lexical when lexical is null:
                return []; // nothing to match: every term was a stop word
            case SearchMode.Dense or SearchMode.Lexical:
                query = (dense ?? lexical)!;
                vector = dense is null ? LexicalVector : DenseVector;
                break;
            default:
                var candidates = (ulong)Math.Max(request.Limit, _options.HybridCandidates);
                prefetch = [Prefetch(dense!, DenseVector, candidates, filter)];
                if (lexical is not null)
                {
                    prefetch.Add(Prefetch(lexical, LexicalVector, candidates, filter));
                }

                // Qdrant scores a 0-based position p as 1 / (p + k); k + 1 there is the standard 1 / (k + rank), rank from 1.
                query = new Query { Rrf = new Rrf { K = (uint)(_options.RrfK + 1) } };
                filter = null; // applied by each prefetch
                break;
        }

        // In Hybrid mode the threshold applies to the fused score: Qdrant applies it after fusion.
        var points = await CallAsync(collection, cancellationToken, () => _client.QueryAsync(collection, query, prefetch, vector, filter,
            request.ScoreThreshold, limit: (ulong)request.Limit, payloadSelector: new WithPayloadSelector { Enable = true },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return
        [
            .. points.Select(point =>
            {
                var (id, text, fields) = QdrantPayload.Decode(point.Payload);
                return new SearchHit(id, point.Score, text, fields);
            }),
        ];
    }

    private static Query DenseQuery(float[] vector) =>
        new() { Nearest = new VectorInput { Dense = new DenseVector { Data = { VectorMath.Normalized(vector) } } } };

    private Query? SparseQuery(string text)
    {
        var (indices, values) = _sparse.Query(text);
        return indices.Length == 0
            ? null
            : new Query { Nearest = new VectorInput { Sparse = new SparseVector { Indices = { indices }, Values = { values } } } };
    }

    private static PrefetchQuery Prefetch(Query query, string vector, ulong limit, Filter? filter)
    {
        var prefetch = new PrefetchQuery { Query = query, Using = vector, Limit = limit };
        if (filter is not null)
        {
            prefetch.Filter = filter;
        }

        return prefetch;
    }
}
