using RagPlatform.Retrieval.Tests.Qdrant;

namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>The contract run against <see cref="QdrantIndex"/> talking HTTP to a schema-checking fake Qdrant.</summary>
[Trait("Category", "Interop")]
public sealed class FakeQdrantContractTests(FakeQdrantFixture fake) : PointIndexContractTests, IClassFixture<FakeQdrantFixture>
{
    private int _violationsBefore;

    protected override Task<IPointIndex> OpenIndexAsync()
    {
        _violationsBefore = fake.Server.Violations.Count;
        return Task.FromResult<IPointIndex>(fake.CreateIndex());
    }

    protected override Task CleanUpAsync()
    {
        Assert.Empty(fake.Server.Violations.Skip(_violationsBefore));
        return Task.CompletedTask;
    }
}
