using System.Text.Json.Nodes;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>
/// The state and semantics behind <see cref="FakeQdrantServer"/>: collections with named dense and sparse vectors,
/// exact nearest-neighbour search (cosine on normalised vectors), sparse dot products with Qdrant's idf modifier,
/// prefetch + RRF fusion with Qdrant's formula 1 / (position + k), filters, counts and deletes. One lock
/// serialises everything; it is a fake, not a database.
/// </summary>
internal sealed partial class FakeQdrantStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private long _operation;

    private sealed class Collection
    {
        public Dictionary<string, int> Dense { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, bool> SparseIdf { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> PayloadIndexes { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, Point> Points { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Point(string Id, Dictionary<string, float[]> Dense, Dictionary<string, Dictionary<uint, float>> Sparse, JsonObject Payload);

    public JsonNode ListCollections()
    {
        lock (_gate)
        {
            return new JsonObject { ["collections"] = new JsonArray([.. _collections.Keys.Select(n => (JsonNode)new JsonObject { ["name"] = n })]) };
        }
    }

    public JsonNode Exists(string name)
    {
        lock (_gate)
        {
            return new JsonObject { ["exists"] = _collections.ContainsKey(name) };
        }
    }

    public JsonNode Create(string name, JsonObject body)
    {
        lock (_gate)
        {
            if (_collections.ContainsKey(name))
            {
                throw new FakeQdrantException(409, $"Wrong input: Collection `{name}` already exists!");
            }

            var collection = new Collection();
            var vectors = body["vectors"]!.AsObject();
            if (vectors.ContainsKey("size"))
            {
                throw new FakeQdrantException(400, "The fake supports named vectors only");
            }

            foreach (var (vector, parameters) in vectors)
            {
                if (parameters!["distance"]!.GetValue<string>() != "Cosine")
                {
                    throw new FakeQdrantException(400, "The fake supports Cosine distance only");
                }

                collection.Dense[vector] = parameters["size"]!.GetValue<int>();
            }

            foreach (var (vector, parameters) in body["sparse_vectors"]?.AsObject() ?? [])
            {
                collection.SparseIdf[vector] = parameters?["modifier"]?.GetValue<string>() == "idf";
            }

            _collections[name] = collection;
            return true;
        }
    }

    public JsonNode Delete(string name)
    {
        lock (_gate)
        {
            return _collections.Remove(name);
        }
    }

    public JsonNode Info(string name)
    {
        lock (_gate)
        {
            var collection = Find(name);
            return new JsonObject
            {
                ["status"] = "green",
                ["optimizer_status"] = "ok",
                ["segments_count"] = 1,
                ["points_count"] = collection.Points.Count,
                ["indexed_vectors_count"] = 0,
                ["config"] = new JsonObject
                {
                    ["params"] = new JsonObject
                    {
                        ["vectors"] = new JsonObject(collection.Dense.Select(d => KeyValuePair.Create(d.Key,
                            (JsonNode?)new JsonObject { ["size"] = d.Value, ["distance"] = "Cosine" }))),
                        ["shard_number"] = 1,
                        ["replication_factor"] = 1,
                        ["write_consistency_factor"] = 1,
                        ["on_disk_payload"] = true,
                        ["sparse_vectors"] = new JsonObject(collection.SparseIdf.Select(s => KeyValuePair.Create(s.Key,
                            (JsonNode?)new JsonObject { ["modifier"] = s.Value ? "idf" : "none" }))),
                    },
                    ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000 },
                    ["optimizer_config"] = new JsonObject { ["default_segment_number"] = 0, ["flush_interval_sec"] = 5 },
                },
                ["payload_schema"] = new JsonObject(collection.PayloadIndexes.Select(p => KeyValuePair.Create(p.Key,
                    (JsonNode?)new JsonObject { ["data_type"] = p.Value, ["points"] = collection.Points.Count }))),
            };
        }
    }

    public JsonNode CreateIndex(string name, JsonObject body)
    {
        lock (_gate)
        {
            Find(name).PayloadIndexes[body["field_name"]!.GetValue<string>()] = body["field_schema"]!.GetValue<string>();
            return Completed();
        }
    }

    public JsonNode Upsert(string name, JsonObject body)
    {
        lock (_gate)
        {
            var collection = Find(name);
            if (body["points"] is not JsonArray points)
            {
                throw new FakeQdrantException(400, "The fake supports the points list form only");
            }

            // Validate everything first: Qdrant applies one request as one operation.
            var parsed = points.Select(p => ParsePoint(collection, p!.AsObject())).ToList();
            foreach (var point in parsed)
            {
                collection.Points[point.Id] = point;
            }

            return Completed();
        }
    }

    public JsonNode DeletePoints(string name, JsonObject body)
    {
        lock (_gate)
        {
            var collection = Find(name);
            var doomed = body["points"] is JsonArray ids
                ? ids.Select(Id).ToList()
                : collection.Points.Values.Where(p => FakeQdrantFilter.Matches(body["filter"], p.Payload)).Select(p => p.Id).ToList();
            foreach (var id in doomed)
            {
                collection.Points.Remove(id);
            }

            return Completed();
        }
    }

    /// <summary>The update-operations batch, applied under one lock (the fake is stronger than Qdrant here).</summary>
    public JsonNode Batch(string name, JsonObject body)
    {
        lock (_gate)
        {
            Find(name);
            foreach (var operation in body["operations"]!.AsArray().Select(o => o!.AsObject()))
            {
                _ = operation.Single() switch
                {
                    { Key: "upsert", Value: JsonObject upsert } => Upsert(name, upsert),
                    { Key: "delete", Value: JsonObject delete } => DeletePoints(name, delete),
                    var other => throw new FakeQdrantException(400, $"The fake does not support the batch operation '{other.Key}'"),
                };
            }

            return new JsonArray(Completed());
        }
    }

    public JsonNode Retrieve(string name, JsonObject body)
    {
        lock (_gate)
        {
            var collection = Find(name);
            var records = new JsonArray();
            foreach (var id in body["ids"]!.AsArray().Select(Id).Distinct())
            {
                if (collection.Points.TryGetValue(id, out var point))
                {
                    var record = new JsonObject { ["id"] = point.Id };
                    AddPayload(record, point, body["with_payload"]);
                    if (WantedVectors(body["with_vector"], point) is { } vectors)
                    {
                        record["vector"] = vectors;
                    }

                    records.Add(record);
                }
            }

            return records;
        }
    }

    public JsonNode Count(string name, JsonObject body)
    {
        lock (_gate)
        {
            return new JsonObject { ["count"] = Find(name).Points.Values.Count(p => FakeQdrantFilter.Matches(body["filter"], p.Payload)) };
        }
    }

    private static Point ParsePoint(Collection collection, JsonObject json)
    {
        var dense = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var sparse = new Dictionary<string, Dictionary<uint, float>>(StringComparer.Ordinal);
        foreach (var (name, vector) in json["vector"]!.AsObject())
        {
            if (vector is JsonArray array)
            {
                if (!collection.Dense.TryGetValue(name, out var size))
                {
                    throw new FakeQdrantException(400, $"Wrong input: Not existing vector name error: {name}");
                }

                if (array.Count != size)
                {
                    throw new FakeQdrantException(400, $"Wrong input: Vector dimension error: expected dim: {size}, got {array.Count}");
                }

                dense[name] = Normalized([.. array.Select(x => x!.GetValue<float>())]);
            }
            else
            {
                if (!collection.SparseIdf.ContainsKey(name))
                {
                    throw new FakeQdrantException(400, $"Wrong input: Not existing vector name error: {name}");
                }

                sparse[name] = Sparse(vector!.AsObject());
            }
        }

        return new Point(Id(json["id"]), dense, sparse, (JsonObject)(json["payload"]?.DeepClone() ?? new JsonObject()));
    }

    private static Dictionary<uint, float> Sparse(JsonObject json)
    {
        var indices = json["indices"]!.AsArray().Select(i => i!.GetValue<uint>()).ToArray();
        var values = json["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        if (indices.Length != values.Length || indices.Distinct().Count() != indices.Length)
        {
            throw new FakeQdrantException(400, "Validation error in JSON body: sparse indices must be unique and match values");
        }

        return indices.Zip(values).ToDictionary(p => p.First, p => p.Second);
    }

    private static float[] Normalized(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return norm == 0 ? vector : [.. vector.Select(x => x / norm)];
    }

    private static string Id(JsonNode? id) => id!.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? Guid.Parse(id.GetValue<string>()).ToString("D")
        : id.GetValue<ulong>().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void AddPayload(JsonObject target, Point point, JsonNode? withPayload)
    {
        if (withPayload?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            target["payload"] = point.Payload.DeepClone();
        }
    }

    private static JsonObject? WantedVectors(JsonNode? withVector, Point point)
    {
        IEnumerable<string>? names = withVector switch
        {
            JsonArray list => list.Select(n => n!.GetValue<string>()),
            JsonValue flag when flag.GetValueKind() == System.Text.Json.JsonValueKind.True => point.Dense.Keys,
            _ => null,
        };
        return names is null
            ? null
            : new JsonObject(names.Where(point.Dense.ContainsKey).Select(n =>
                KeyValuePair.Create(n, (JsonNode?)new JsonArray([.. point.Dense[n].Select(x => (JsonNode)JsonValue.Create(x))]))));
    }

    private Collection Find(string name) =>
        _collections.TryGetValue(name, out var collection) ? collection : throw new FakeQdrantException(404, $"Not found: Collection `{name}` doesn't exist!");

    private JsonObject Completed() => new() { ["operation_id"] = ++_operation, ["status"] = "completed" };
}
