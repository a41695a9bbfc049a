using RagPlatform.Retrieval.Tests.Infrastructure;
using RagPlatform.Retrieval.Tests.Qdrant;

namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>
/// The contract against a real Qdrant at QDRANT_URL, its gRPC endpoint (QDRANT_API_KEY if it needs one). Every test is
/// reported skipped when QDRANT_URL is unset. Collections are named contract-* and removed after each test.
/// </summary>
[Trait("Category", "Interop")]
[RequiresEnvironmentVariable(LiveQdrant.UrlVariable)]
public sealed class LiveQdrantContractTests : PointIndexContractTests
{
    protected override Task<IPointIndex> OpenIndexAsync() => Task.FromResult<IPointIndex>(
        new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(LiveQdrant.Url!), ApiKey = LiveQdrant.ApiKey }));
}

/// <summary>
/// The contract against a real Qdrant (image <see cref="QdrantContainer.Image"/>) that Testcontainers starts for the
/// class. Every test is reported skipped, with the reason, where no Docker engine answers.
/// </summary>
[Trait("Category", "Interop")]
[RequiresDockerEngine]
public sealed class ContainerQdrantContractTests(QdrantContainerFixture qdrant) : PointIndexContractTests, IClassFixture<QdrantContainerFixture>
{
    protected override Task<IPointIndex> OpenIndexAsync() =>
        Task.FromResult<IPointIndex>(new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(qdrant.Url) }));
}

/// <summary>A quick live check outside the contract: the server answers and the index reads its collection list.</summary>
[Trait("Category", "Interop")]
public sealed class LiveQdrantSmokeTests
{
    [LiveQdrantFact]
    public async Task LiveQdrant_ListsCollections()
    {
        await using var index = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(LiveQdrant.Url!), ApiKey = LiveQdrant.ApiKey });

        var collections = await index.ListCollectionsAsync().Bounded();

        Assert.NotNull(collections);
    }
}
