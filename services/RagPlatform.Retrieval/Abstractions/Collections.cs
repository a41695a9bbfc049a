namespace RagPlatform.Retrieval;

/// <summary>What a collection is created with. Vectors are compared by cosine similarity.</summary>
/// <param name="Name">[a-z0-9_-]{1,64}.</param>
/// <param name="Dimensions">1..4096.</param>
public sealed record CollectionSpec(string Name, int Dimensions)
{
    /// <summary>
    /// Payload fields that filters will use, with their kind. Backends with payload indexes (Qdrant) create
    /// them; the embedded index filters every field without one.
    /// </summary>
    public IReadOnlyDictionary<string, PayloadKind> FilterableFields { get; init; } = new Dictionary<string, PayloadKind>();
}

public sealed record CollectionInfo(string Name, int Dimensions, long PointCount);

public sealed class CollectionNotFoundException(string collection)
    : InvalidOperationException($"Collection '{collection}' does not exist.")
{
    public string Collection { get; } = collection;
}

public sealed class CollectionAlreadyExistsException(string collection)
    : InvalidOperationException($"Collection '{collection}' already exists.")
{
    public string Collection { get; } = collection;
}
