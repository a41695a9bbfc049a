using RagPlatform.Retrieval.Embedded;
using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Embedded;

[Trait("Category", "Unit")]
public sealed class EmbeddedIndexTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static IndexPoint Point(int i, long batch = 0) => new()
    {
        Id = $"p{i}",
        Vector = TestVectors.Random(1, 8, seed: i)[0],
        Text = $"item {i} of batch {batch}",
        Payload = new Dictionary<string, PayloadValue> { ["batch"] = batch },
    };

    [Theory]
    [InlineData(20_000)] // exact search throughout
    [InlineData(100)]    // HNSW, rebuilt by compaction
    public async Task ManyDeletes_CompactTheSlots_WithoutChangingAnswers(int hnswThreshold)
    {
        var options = new EmbeddedIndexOptions { RootDirectory = _root.Path, HnswThreshold = hnswThreshold };
        await using (var index = await EmbeddedIndex.OpenAsync(options).Bounded())
        {
            await index.CreateCollectionAsync(new CollectionSpec("c", 8)).Bounded();
            await index.UpsertAsync("c", [.. Enumerable.Range(0, 400).Select(i => Point(i))]).Bounded();
            await index.DeleteAsync("c", [.. Enumerable.Range(0, 300).Select(i => $"p{i}")]).Bounded();
            await index.UpsertAsync("c", [Point(350, batch: 7)]).Bounded();

            await AssertAnswersAsync(index);
        }

        await using var reopened = await EmbeddedIndex.OpenAsync(options).Bounded();
        await AssertAnswersAsync(reopened);
    }

    private static async Task AssertAnswersAsync(EmbeddedIndex index)
    {
        Assert.Equal(100, await index.CountAsync("c").Bounded());
        foreach (var i in new[] { 300, 350, 399 })
        {
            var hit = (await index.SearchAsync("c", new SearchRequest { Vector = Point(i).Vector, Limit = 1 }).Bounded()).Single();
            Assert.Equal($"p{i}", hit.Id);
        }

        var lexical = await index.SearchAsync("c", new SearchRequest { Mode = SearchMode.Lexical, Text = "batch 7" }).Bounded();
        Assert.Equal("p350", lexical[0].Id);
        Assert.Equal(1, await index.CountAsync("c", PointFilter.All(FilterCondition.Equal("batch", 7L))).Bounded());
    }

    [Fact]
    public async Task ConcurrentSearches_NeverSeeHalfABatch()
    {
        await using var index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = _root.Path, HnswThreshold = 500 }).Bounded();
        await index.CreateCollectionAsync(new CollectionSpec("c", 8)).Bounded();
        const int batches = 30;
        const int batchSize = 50;
        using var stop = new CancellationTokenSource();
        var torn = 0;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var random = new Random();
            while (!stop.IsCancellationRequested)
            {
                var batch = random.Next(batches);
                var count = await index.CountAsync("c", PointFilter.All(FilterCondition.Equal("batch", (long)batch)));
                var hits = await index.SearchAsync("c", new SearchRequest
                {
                    Mode = SearchMode.Hybrid, Vector = Point(batch).Vector, Text = $"batch {batch}", Limit = 100,
                    Filter = PointFilter.All(FilterCondition.Equal("batch", (long)batch)),
                });
                if (count is not (0 or batchSize) || hits.Count is not (0 or batchSize))
                {
                    Interlocked.Increment(ref torn);
                }
            }
        })).ToArray();

        for (var batch = 0; batch < batches; batch++)
        {
            await index.UpsertAsync("c", [.. Enumerable.Range(batch * batchSize, batchSize).Select(i => Point(i, batch))]).Bounded();
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).Bounded();
        Assert.Equal(0, torn);
        Assert.Equal(batches * batchSize, await index.CountAsync("c").Bounded());
    }

    [Fact]
    public async Task Options_AreValidatedOnOpen()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions())).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => EmbeddedIndex.OpenAsync(
            new EmbeddedIndexOptions { RootDirectory = _root.Path, Hnsw = new HnswParameters(M: 1) })).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => EmbeddedIndex.OpenAsync(
            new EmbeddedIndexOptions { RootDirectory = _root.Path, CompactRemovedFraction = 1.5 })).Bounded();
    }

    [Fact]
    public void PayloadCodec_RoundTripsEveryKindExactly()
    {
        var payload = new Dictionary<string, PayloadValue>
        {
            ["s"] = "text \"quoted\" ✓",
            ["i"] = long.MinValue,
            ["d"] = 3.0,
            ["b"] = true,
            ["t"] = new DateTimeOffset(2024, 2, 29, 23, 59, 59, 123, TimeSpan.FromHours(-5)).AddTicks(4567),
            ["l"] = new[] { "x", "", "y" },
        };

        var decoded = PayloadCodec.Decode(PayloadCodec.Encode(payload));

        Assert.Equal(payload.OrderBy(p => p.Key), decoded.OrderBy(p => p.Key));
        Assert.Equal(PayloadKind.Double, decoded["d"].Kind);
        Assert.Equal(TimeSpan.FromHours(-5), decoded["t"].AsDateTime().Offset);
    }
}
