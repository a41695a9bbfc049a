using Google.Protobuf.Collections;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>One stored point: its named dense vectors (unit length, as Qdrant keeps cosine vectors), sparse vectors and payload.</summary>
internal sealed record FakePoint(PointId Id, string Key, IReadOnlyDictionary<string, float[]> Dense,
    IReadOnlyDictionary<string, IReadOnlyDictionary<uint, float>> Sparse, MapField<string, Value> Payload);

/// <summary>A collection: its vector configuration, payload indexes and points in id order.</summary>
internal sealed class FakeCollection(string name, IReadOnlyDictionary<string, ulong> dense, IReadOnlyDictionary<string, Modifier> sparse)
{
    public string Name { get; } = name;

    public IReadOnlyDictionary<string, ulong> Dense { get; } = dense;

    public IReadOnlyDictionary<string, Modifier> Sparse { get; } = sparse;

    public Dictionary<string, PayloadSchemaType> PayloadIndexes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, FakePoint> Points { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Every collection of the fake, in memory. One lock serialises each operation, as one Qdrant update operation is
/// applied whole; a batch of operations takes it once per operation, so readers can run between them as in Qdrant.
/// Errors are Qdrant's gRPC statuses with Qdrant's wording.
/// </summary>
internal sealed class FakeStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeCollection> _collections = new(StringComparer.Ordinal);
    private ulong _operations;

    public T Read<T>(Func<IReadOnlyDictionary<string, FakeCollection>, T> read)
    {
        lock (_gate)
        {
            return read(_collections);
        }
    }

    public T Read<T>(string collection, Func<FakeCollection, T> read)
    {
        lock (_gate)
        {
            return read(Find(collection));
        }
    }

    public bool Create(FakeCollection collection)
    {
        lock (_gate)
        {
            return _collections.TryAdd(collection.Name, collection)
                ? true
                : throw new RpcException(new Status(StatusCode.AlreadyExists, $"Collection `{collection.Name}` already exists!"));
        }
    }

    public bool Delete(string collection)
    {
        lock (_gate)
        {
            return _collections.Remove(collection);
        }
    }

    /// <summary>Applies one update operation to one collection; returns its operation id.</summary>
    public ulong Update(string collection, Action<FakeCollection> update)
    {
        lock (_gate)
        {
            update(Find(collection));
            return ++_operations;
        }
    }

    private FakeCollection Find(string name) => _collections.TryGetValue(name, out var collection)
        ? collection
        : throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));
}
