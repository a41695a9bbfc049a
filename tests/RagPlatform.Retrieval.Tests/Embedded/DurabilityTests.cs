using RagPlatform.Retrieval.Tests.Contract;
using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Embedded;

[Trait("Category", "Fault")]
public sealed class DurabilityTests : IDisposable
{
    private const string Collection = "durable";
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private EmbeddedIndexOptions Options => new()
    {
        RootDirectory = _root.Path,
        HnswThreshold = 300,
        Hnsw = new HnswParameters(M: 8, EfConstruction: 64, EfSearch: 32),
    };

    private string SnapshotFile => Path.Combine(_root.Path, "hnsw", Collection + ".hnsw");

    [Fact]
    public async Task Reopen_AfterDispose_KeepsCollectionsPointsAndPayloads()
    {
        await using (var index = await EmbeddedIndex.OpenAsync(Options).Bounded())
        {
            await index.CreateCollectionAsync(new CollectionSpec(Collection, ContractCorpus.Dimensions)).Bounded();
            await index.CreateCollectionAsync(new CollectionSpec("empty", 3)).Bounded();
            await index.UpsertAsync(Collection, ContractCorpus.All).Bounded();
            await index.DeleteAsync(Collection, ["dog"]).Bounded();
            await index.UpsertAsync(Collection, [ContractCorpus.Cat with { Text = "a parrot" }]).Bounded();
        }

        await using var reopened = await EmbeddedIndex.OpenAsync(Options).Bounded();

        Assert.Equal(["durable", "empty"], await reopened.ListCollectionsAsync().Bounded());
        Assert.Equal(new CollectionInfo("empty", 3, 0), await reopened.GetCollectionAsync("empty").Bounded());
        Assert.Equal(ContractCorpus.All.Count - 1, await reopened.CountAsync(Collection).Bounded());
        var cat = Assert.Single(await reopened.GetAsync(Collection, ["cat", "dog"]).Bounded());
        Assert.Equal("a parrot", cat.Text);
        Assert.Equal(ContractCorpus.Cat.Payload.OrderBy(p => p.Key), cat.Payload.OrderBy(p => p.Key));
        var hits = await reopened.SearchAsync(Collection, new SearchRequest { Mode = SearchMode.Lexical, Text = "parrot" }).Bounded();
        Assert.Equal(["cat"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task HnswSnapshot_ReloadGivesExactlyTheResultsOfAFreshRebuild()
    {
        await FillAsync(points: 1_200);
        var logger = new ListLogger<EmbeddedIndex>();
        var fromSnapshot = await SearchAllAsync(logger);
        Assert.Contains(logger.Entries, e => e.Message.Contains("HNSW snapshot used: True", StringComparison.Ordinal));

        File.Delete(SnapshotFile);
        var rebuilt = await SearchAllAsync(new ListLogger<EmbeddedIndex>());

        Assert.Equal(rebuilt, fromSnapshot);
        Assert.True(File.Exists(SnapshotFile), "closing after a rebuild writes a new snapshot");
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public async Task CorruptSnapshot_IsDetectedAndTheGraphRebuilt(string damage)
    {
        await FillAsync(points: 800);
        var expected = await SearchAllAsync(new ListLogger<EmbeddedIndex>());
        var bytes = await File.ReadAllBytesAsync(SnapshotFile).Bounded();
        switch (damage)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 0x40;
                break;
            case "truncate":
                bytes = bytes[..(bytes.Length * 2 / 3)];
                break;
            default:
                Random.Shared.NextBytes(bytes.AsSpan(0, 64));
                break;
        }

        await File.WriteAllBytesAsync(SnapshotFile, bytes).Bounded();
        var logger = new ListLogger<EmbeddedIndex>();

        var actual = await SearchAllAsync(logger);

        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("rejected", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task StaleSnapshot_IsCompletedWithTheChangesCommittedAfterIt()
    {
        await FillAsync(points: 600);
        var stale = await File.ReadAllBytesAsync(SnapshotFile).Bounded();
        await using (var index = await EmbeddedIndex.OpenAsync(Options).Bounded())
        {
            await index.DeleteAsync(Collection, ["p5", "p6"]).Bounded();
            await index.UpsertAsync(Collection, [Point(7, text: "replaced seven"), Point(10_000, text: "brand new")]).Bounded();
        }

        var expected = await SearchAllAsync(new ListLogger<EmbeddedIndex>());
        await File.WriteAllBytesAsync(SnapshotFile, stale).Bounded(); // as if the process died before rewriting it
        var logger = new ListLogger<EmbeddedIndex>();

        await using var reopened = await EmbeddedIndex.OpenAsync(Options, logger).Bounded();

        Assert.Contains(logger.Entries, e => e.Message.Contains("HNSW snapshot used: True", StringComparison.Ordinal));
        Assert.Equal(600 - 2 + 1, await reopened.CountAsync(Collection).Bounded());
        Assert.Empty(await reopened.GetAsync(Collection, ["p5", "p6"]).Bounded());
        Assert.Equal("replaced seven", (await reopened.GetAsync(Collection, ["p7"]).Bounded()).Single().Text);
        var fresh = await reopened.SearchAsync(Collection, new SearchRequest { Mode = SearchMode.Dense, Vector = Point(10_000).Vector, Limit = 1 }).Bounded();
        Assert.Equal("p10000", fresh.Single().Id);
        await reopened.DisposeAsync();
        Assert.Equal(expected, await SearchAllAsync(new ListLogger<EmbeddedIndex>()));
    }

    private static IndexPoint Point(int i, string? text = null) => new()
    {
        Id = $"p{i}",
        Vector = TestVectors.Random(1, 16, seed: 1_000 + i)[0],
        Text = text ?? $"point number {i} in group {i % 7}",
        Payload = new Dictionary<string, PayloadValue> { ["group"] = (long)(i % 7) },
    };

    private async Task FillAsync(int points)
    {
        await using var index = await EmbeddedIndex.OpenAsync(Options).Bounded();
        await index.CreateCollectionAsync(new CollectionSpec(Collection, 16)).Bounded();
        foreach (var chunk in Enumerable.Range(0, points).Chunk(100))
        {
            await index.UpsertAsync(Collection, [.. chunk.Select(i => Point(i))]).Bounded();
        }
    }

    /// <summary>Opens the index, runs fixed dense, filtered and hybrid queries, and closes it again.</summary>
    private async Task<List<string>> SearchAllAsync(ListLogger<EmbeddedIndex> logger)
    {
        await using var index = await EmbeddedIndex.OpenAsync(Options, logger).Bounded();
        var results = new List<string>();
        foreach (var (query, q) in TestVectors.Random(25, 16, seed: 99).Select((v, q) => (v, q)))
        {
            var requests = new[]
            {
                new SearchRequest { Mode = SearchMode.Dense, Vector = query, Limit = 10 },
                new SearchRequest { Mode = SearchMode.Hybrid, Vector = query, Text = $"group {q % 7} number", Limit = 5 },
                new SearchRequest
                {
                    Mode = SearchMode.Dense, Vector = query, Limit = 5,
                    Filter = PointFilter.All(FilterCondition.Equal("group", (long)(q % 7))),
                },
            };
            foreach (var request in requests)
            {
                var hits = await index.SearchAsync(Collection, request).Bounded();
                results.Add(string.Join(",", hits.Select(h => $"{h.Id}:{h.Score:R}")));
            }
        }

        return results;
    }
}
