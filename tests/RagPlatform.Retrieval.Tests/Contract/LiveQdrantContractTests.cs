using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>
/// The contract against a real Qdrant at QDRANT_URL (QDRANT_API_KEY if it needs one). Every test is reported
/// skipped when QDRANT_URL is unset. Collections are named contract-* and removed after each test.
/// </summary>
[Trait("Category", "Interop")]
[RequiresEnvironmentVariable(LiveQdrant.UrlVariable)]
public sealed class LiveQdrantContractTests : PointIndexContractTests
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override Task<IPointIndex> OpenIndexAsync() => Task.FromResult<IPointIndex>(new QdrantIndex(_http, new QdrantIndexOptions
    {
        BaseAddress = new Uri(LiveQdrant.Url!),
        ApiKey = LiveQdrant.ApiKey,
    }));

    protected override Task CleanUpAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A quick live check outside the contract: the server answers and the adapter parses its collection list.</summary>
[Trait("Category", "Interop")]
public sealed class LiveQdrantSmokeTests
{
    [LiveQdrantFact]
    public async Task LiveQdrant_ListsCollections()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var index = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = new Uri(LiveQdrant.Url!), ApiKey = LiveQdrant.ApiKey });

        var collections = await index.ListCollectionsAsync().Bounded();

        Assert.NotNull(collections);
    }
}
