namespace RagPlatform.Client;

/// <summary>A collection: its name, the dimensions of its embeddings and how much it holds.</summary>
public sealed record CollectionResource(string Name, int Dimensions, long ChunkCount, int DocumentCount);

/// <summary>The body of POST /v1/collections.</summary>
public sealed record CreateCollectionRequest(string Name);

public sealed record CollectionList(IReadOnlyList<CollectionResource> Collections);
