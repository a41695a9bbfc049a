using System.Globalization;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>Points as Qdrant takes them in and gives them back, with Qdrant's validation and error wording.</summary>
internal static class FakePoints
{
    /// <summary>The point's key in the store: a UUID in its canonical form, or the number.</summary>
    public static string Key(PointId id) => id.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Uuid when Guid.TryParse(id.Uuid, out var uuid) => uuid.ToString("D"),
        PointId.PointIdOptionsOneofCase.Num => id.Num.ToString(CultureInfo.InvariantCulture),
        _ => throw Invalid($"Unable to parse UUID: {id.Uuid}"),
    };

    /// <summary>Checks every vector against the collection's configuration; a cosine vector is stored at unit length.</summary>
    public static FakePoint Parse(FakeCollection collection, PointStruct point)
    {
        var dense = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var sparse = new Dictionary<string, IReadOnlyDictionary<uint, float>>(StringComparer.Ordinal);
        if (point.Vectors?.VectorsOptionsCase != Vectors.VectorsOptionsOneofCase.Vectors_)
        {
            throw Unsupported("unnamed vectors (every collection of the fake has named vectors only)");
        }

        foreach (var (name, vector) in point.Vectors.Vectors_.Vectors)
        {
            switch (vector.VectorCase)
            {
                case Vector.VectorOneofCase.Dense:
                    dense[name] = DenseVector(collection, name, vector.Dense.Data);
                    break;
                case Vector.VectorOneofCase.Sparse:
                    sparse[name] = SparseVector(collection, name, vector.Sparse.Indices, vector.Sparse.Values);
                    break;
#pragma warning disable CS0612 // the deprecated forms older clients still send
                case Vector.VectorOneofCase.None when vector.Indices is { } indices:
                    sparse[name] = SparseVector(collection, name, indices.Data, vector.Data);
                    break;
                case Vector.VectorOneofCase.None:
                    dense[name] = DenseVector(collection, name, vector.Data);
                    break;
#pragma warning restore CS0612
                default:
                    throw Unsupported($"{vector.VectorCase} vectors");
            }
        }

        return new FakePoint(point.Id, Key(point.Id), dense, sparse, point.Payload.Clone());
    }

    public static float[] DenseVector(FakeCollection collection, string name, IReadOnlyList<float> data)
    {
        if (!collection.Dense.TryGetValue(name, out var size))
        {
            throw Invalid($"Wrong input: Not existing vector name error: {name}");
        }

        if ((ulong)data.Count != size)
        {
            throw Invalid($"Wrong input: Vector dimension error: expected dim: {size}, got {data.Count}");
        }

        var norm = MathF.Sqrt(data.Sum(x => x * x));
        return norm == 0 ? [.. data] : [.. data.Select(x => x / norm)];
    }

    public static IReadOnlyDictionary<uint, float> SparseVector(FakeCollection collection, string name, IReadOnlyList<uint> indices,
        IReadOnlyList<float> values)
    {
        if (!collection.Sparse.ContainsKey(name))
        {
            throw Invalid($"Wrong input: Not existing vector name error: {name}");
        }

        if (indices.Count != values.Count)
        {
            throw Invalid("Validation error in sparse vector: indices and values must be the same length");
        }

        var vector = new Dictionary<uint, float>(indices.Count);
        for (var i = 0; i < indices.Count; i++)
        {
            if (!vector.TryAdd(indices[i], values[i]))
            {
                throw Invalid("Validation error in sparse vector: indices must be unique");
            }
        }

        return vector;
    }

    public static RetrievedPoint Retrieved(FakePoint point, WithPayloadSelector? payload, WithVectorsSelector? vectors)
    {
        var retrieved = new RetrievedPoint { Id = point.Id };
        if (WantsPayload(payload))
        {
            retrieved.Payload.Add(point.Payload);
        }

        if (VectorsOutput(point, vectors) is { } output)
        {
            retrieved.Vectors = output;
        }

        return retrieved;
    }

    public static ScoredPoint Scored(FakePoint point, float score, WithPayloadSelector? payload, WithVectorsSelector? vectors)
    {
        var scored = new ScoredPoint { Id = point.Id, Score = score };
        if (WantsPayload(payload))
        {
            scored.Payload.Add(point.Payload);
        }

        if (VectorsOutput(point, vectors) is { } output)
        {
            scored.Vectors = output;
        }

        return scored;
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>A request Qdrant would serve but the fake does not: said plainly, so a test never passes on a silent no-op.</summary>
    public static RpcException Unsupported(string what) => new(new Status(StatusCode.Unimplemented, $"The fake Qdrant does not support {what}."));

    private static bool WantsPayload(WithPayloadSelector? selector) => selector?.SelectorOptionsCase switch
    {
        null or WithPayloadSelector.SelectorOptionsOneofCase.None => false,
        WithPayloadSelector.SelectorOptionsOneofCase.Enable => selector.Enable,
        _ => throw Unsupported("payload include/exclude selectors"),
    };

    private static VectorsOutput? VectorsOutput(FakePoint point, WithVectorsSelector? selector)
    {
        IEnumerable<string>? names = selector?.SelectorOptionsCase switch
        {
            WithVectorsSelector.SelectorOptionsOneofCase.Enable when selector.Enable => point.Dense.Keys,
            WithVectorsSelector.SelectorOptionsOneofCase.Include => selector.Include.Names,
            _ => null,
        };
        if (names is null)
        {
            return null;
        }

        var named = new NamedVectorsOutput();
        foreach (var name in names.Where(point.Dense.ContainsKey))
        {
            named.Vectors[name] = new VectorOutput { Dense = new DenseVector { Data = { point.Dense[name] } } };
        }

        return new VectorsOutput { Vectors = named };
    }
}
