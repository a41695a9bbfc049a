using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>
/// The Query API of the fake, evaluated exactly (no HNSW): nearest by cosine on a dense vector, by dot product on a
/// sparse vector (times Qdrant's idf when the vector has the Idf modifier), and prefetches fused by reciprocal rank
/// fusion with Qdrant's formula: a point at 0-based position p of a prefetch gains 1 / ((p + 1) / weight + k - 1),
/// which is 1 / (p + k) unweighted, k = 2 unless given. Ties are ordered by point id, where Qdrant leaves them unordered.
/// </summary>
internal static class FakeQuery
{
    private const uint DefaultRrfK = 2; // Qdrant's DEFAULT_RRF_K

    public static List<(FakePoint Point, float Score)> Run(FakeCollection collection, QueryPoints request)
    {
        if (request.Offset > 0)
        {
            throw FakePoints.Unsupported("query offsets");
        }

        return Evaluate(collection, request.Prefetch, request.Query, request.HasUsing ? request.Using : null, request.Filter,
            request.HasScoreThreshold ? request.ScoreThreshold : null, request.HasLimit ? request.Limit : 10);
    }

    private static List<(FakePoint Point, float Score)> Evaluate(FakeCollection collection, IReadOnlyList<PrefetchQuery> prefetches, Query? query,
        string? vector, Filter? filter, float? threshold, ulong limit)
    {
        List<(FakePoint Point, float Score)> scored;
        if (prefetches.Count > 0)
        {
            // The query's filter narrows every prefetch too, as Qdrant propagates it.
            var sources = prefetches.Select(p => Evaluate(collection, p.Prefetch, p.Query, p.HasUsing ? p.Using : null, FakeFilter.Both(p.Filter, filter),
                p.HasScoreThreshold ? p.ScoreThreshold : null, p.HasLimit ? p.Limit : 10)).ToList();
            scored = query?.VariantCase switch
            {
                Query.VariantOneofCase.Fusion when query.Fusion == Fusion.Rrf => Fuse(sources, DefaultRrfK, []),
                Query.VariantOneofCase.Rrf => Fuse(sources, query.Rrf.HasK ? query.Rrf.K : DefaultRrfK, query.Rrf.Weights),
                _ => throw FakePoints.Unsupported($"prefetches rescored by {query?.VariantCase.ToString() ?? "no query"} (only RRF fusion)"),
            };
        }
        else if (query?.VariantCase == Query.VariantOneofCase.Nearest)
        {
            var candidates = collection.Points.Values.Where(p => FakeFilter.Matches(filter, p));
            scored = query.Nearest.VariantCase switch
            {
                VectorInput.VariantOneofCase.Dense => Dense(collection, vector ?? "", query.Nearest.Dense.Data, candidates),
                VectorInput.VariantOneofCase.Sparse => Sparse(collection, vector ?? "", query.Nearest.Sparse, candidates),
                var other => throw FakePoints.Unsupported($"nearest queries by {other}"),
            };
        }
        else
        {
            throw FakePoints.Unsupported($"{query?.VariantCase.ToString() ?? "missing"} queries without prefetch");
        }

        return
        [
            .. scored.Where(s => threshold is not { } t || s.Score >= t)
                .OrderByDescending(s => s.Score).ThenBy(s => s.Point.Key, StringComparer.Ordinal).Take(checked((int)Math.Min(limit, int.MaxValue))),
        ];
    }

    private static List<(FakePoint, float)> Fuse(List<List<(FakePoint Point, float Score)>> sources, uint k, IReadOnlyList<float> weights)
    {
        if (weights.Count > 0 && weights.Count != sources.Count)
        {
            throw FakePoints.Invalid(
                $"Number of weights in RRF should match number of pre-fetches: got {weights.Count}, expected {sources.Count}");
        }

        var fused = new Dictionary<string, (FakePoint Point, float Score)>(StringComparer.Ordinal);
        for (var source = 0; source < sources.Count; source++)
        {
            var weight = weights.Count > 0 ? weights[source] : 1f;
            for (var position = 0; position < sources[source].Count; position++)
            {
                var point = sources[source][position].Point;
                var gain = weight <= 0 ? 0f : 1f / (((position + 1) / weight) + k - 1f);
                fused[point.Key] = fused.TryGetValue(point.Key, out var sum) ? (point, sum.Score + gain) : (point, gain);
            }
        }

        return [.. fused.Values];
    }

    private static List<(FakePoint, float)> Dense(FakeCollection collection, string vector, IReadOnlyList<float> query, IEnumerable<FakePoint> candidates)
    {
        var unit = FakePoints.DenseVector(collection, vector, query);
        return [.. candidates.Where(p => p.Dense.ContainsKey(vector)).Select(p => (p, p.Dense[vector].Zip(unit, (a, b) => a * b).Sum()))];
    }

    /// <summary>
    /// Qdrant's idf: ln(1 + (N - n + 0.5) / (n + 0.5)), N the points holding this sparse vector in the collection,
    /// n those holding the term; filters do not change it. Only points sharing a term with the query are scored.
    /// </summary>
    private static List<(FakePoint, float)> Sparse(FakeCollection collection, string vector, SparseVector query, IEnumerable<FakePoint> candidates)
    {
        var terms = FakePoints.SparseVector(collection, vector, query.Indices, query.Values);
        var holders = collection.Points.Values.Where(p => p.Sparse.TryGetValue(vector, out var v) && v.Count > 0).ToList();
        var weights = terms.ToDictionary(t => t.Key, t =>
        {
            if (collection.Sparse[vector] != Modifier.Idf)
            {
                return t.Value;
            }

            double n = holders.Count(p => p.Sparse[vector].ContainsKey(t.Key));
            return (float)(t.Value * Math.Log(1 + ((holders.Count - n + 0.5) / (n + 0.5))));
        });
        var scored = new List<(FakePoint, float)>();
        foreach (var point in candidates)
        {
            if (point.Sparse.TryGetValue(vector, out var document) && weights.Keys.Any(document.ContainsKey))
            {
                scored.Add((point, weights.Where(w => document.ContainsKey(w.Key)).Sum(w => w.Value * document[w.Key])));
            }
        }

        return scored;
    }
}
