using RagPlatform.Retrieval.Tests.Qdrant;

namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>The contract run against <see cref="QdrantIndex"/> speaking gRPC (Qdrant.Client) to the fake Qdrant process.</summary>
[Trait("Category", "Interop")]
public sealed class FakeQdrantContractTests(FakeQdrantFixture fake) : PointIndexContractTests, IClassFixture<FakeQdrantFixture>
{
    protected override Task<IPointIndex> OpenIndexAsync() => Task.FromResult<IPointIndex>(fake.CreateIndex());
}
