using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Contract;

[Trait("Category", "Unit")]
public sealed class EmbeddedIndexContractTests : PointIndexContractTests
{
    private readonly TempDirectory _root = new();

    protected override async Task<IPointIndex> OpenIndexAsync() =>
        await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = _root.Path });

    protected override Task CleanUpAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }
}
