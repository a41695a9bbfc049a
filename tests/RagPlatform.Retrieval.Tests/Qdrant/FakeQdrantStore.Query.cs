using System.Text.Json.Nodes;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>The Query API of the fake: nearest dense, sparse with idf, and prefetch fused by RRF.</summary>
internal sealed partial class FakeQdrantStore
{
    public JsonNode Query(string name, JsonObject body)
    {
        lock (_gate)
        {
            var collection = Find(name);
            var ranked = Evaluate(collection, body);
            var points = new JsonArray();
            foreach (var (point, score) in ranked)
            {
                var scored = new JsonObject { ["id"] = point.Id, ["version"] = 0, ["score"] = score };
                AddPayload(scored, point, body["with_payload"]);
                points.Add(scored);
            }

            return new JsonObject { ["points"] = points };
        }
    }

    private List<(Point Point, float Score)> Evaluate(Collection collection, JsonObject request)
    {
        var limit = request["limit"]?.GetValue<int>() ?? 10;
        var threshold = request["score_threshold"]?.GetValue<float>();
        var filter = request["filter"];
        List<(Point Point, float Score)> ranked;
        if (request["prefetch"] is { } prefetchNode)
        {
            var prefetches = prefetchNode is JsonArray many ? many.Select(p => p!.AsObject()).ToList() : [prefetchNode.AsObject()];
            var k = request["query"] switch
            {
                JsonObject { } q when q["fusion"]?.GetValue<string>() == "rrf" => 2, // Qdrant's DEFAULT_RRF_K
                JsonObject { } q when q["rrf"] is JsonObject rrf => rrf["k"]?.GetValue<int>() ?? 2,
                var q => throw new FakeQdrantException(400, $"The fake fuses prefetches with rrf only, not {q?.ToJsonString()}"),
            };
            var fused = new Dictionary<string, (Point Point, float Score)>(StringComparer.Ordinal);
            foreach (var prefetch in prefetches)
            {
                var results = Evaluate(collection, prefetch);
                for (var position = 0; position < results.Count; position++)
                {
                    var point = results[position].Point;
                    var contribution = 1f / (position + k);
                    fused[point.Id] = fused.TryGetValue(point.Id, out var sum) ? (point, sum.Score + contribution) : (point, contribution);
                }
            }

            ranked = [.. fused.Values.Where(p => FakeQdrantFilter.Matches(filter, p.Point.Payload))];
        }
        else
        {
            var vector = request["using"]?.GetValue<string>() ?? "";
            var query = request["query"] is JsonObject { } nearest && nearest.ContainsKey("nearest") ? nearest["nearest"] : request["query"];
            var candidates = collection.Points.Values.Where(p => FakeQdrantFilter.Matches(filter, p.Payload));
            ranked = query switch
            {
                JsonArray dense => DenseScores(collection, vector, dense, candidates),
                JsonObject sparse when sparse.ContainsKey("indices") => SparseScores(collection, vector, sparse, candidates),
                _ => throw new FakeQdrantException(400, $"The fake does not support the query {query?.ToJsonString()}"),
            };
        }

        return
        [
            .. ranked.Where(r => threshold is null || r.Score >= threshold)
                .OrderByDescending(r => r.Score).ThenBy(r => r.Point.Id, StringComparer.Ordinal).Take(limit),
        ];
    }

    private static List<(Point, float)> DenseScores(Collection collection, string vector, JsonArray query, IEnumerable<Point> candidates)
    {
        if (!collection.Dense.TryGetValue(vector, out var size))
        {
            throw new FakeQdrantException(400, $"Wrong input: Not existing vector name error: {vector}");
        }

        var q = Normalized(query.Select(x => x!.GetValue<float>()).ToArray());
        if (q.Length != size)
        {
            throw new FakeQdrantException(400, $"Wrong input: Vector dimension error: expected dim: {size}, got {q.Length}");
        }

        return [.. candidates.Where(p => p.Dense.ContainsKey(vector)).Select(p => (p, p.Dense[vector].Zip(q, (a, b) => a * b).Sum()))];
    }

    private static List<(Point, float)> SparseScores(Collection collection, string vector, JsonObject query, IEnumerable<Point> candidates)
    {
        if (!collection.SparseIdf.TryGetValue(vector, out var idf))
        {
            throw new FakeQdrantException(400, $"Wrong input: Not existing vector name error: {vector}");
        }

        var q = Sparse(query);
        var withVector = collection.Points.Values.Where(p => p.Sparse.ContainsKey(vector)).ToList();
        var weights = q.Keys.ToDictionary(i => i, i =>
        {
            if (!idf)
            {
                return 1.0;
            }

            double n = withVector.Count(p => p.Sparse[vector].ContainsKey(i));
            return Math.Log(1 + ((withVector.Count - n + 0.5) / (n + 0.5)));
        });
        var scored = new List<(Point, float)>();
        foreach (var point in candidates.Where(p => p.Sparse.ContainsKey(vector)))
        {
            var document = point.Sparse[vector];
            var shared = q.Keys.Where(document.ContainsKey).ToList();
            if (shared.Count > 0)
            {
                scored.Add((point, (float)shared.Sum(i => q[i] * document[i] * weights[i])));
            }
        }

        return scored;
    }
}
