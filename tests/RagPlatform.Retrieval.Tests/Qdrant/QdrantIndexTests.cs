using Grpc.Core;
using Qdrant.Client;
using RagPlatform.Retrieval.Tests.Contract;
using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>What the contract cannot show: the replace under a Qdrant crash, batching, keys, errors, payload kinds.</summary>
[Trait("Category", "Interop")]
public sealed class QdrantIndexTests(FakeQdrantFixture fake) : IClassFixture<FakeQdrantFixture>
{
    private static readonly PointFilter DocumentA = PointFilter.All(FilterCondition.Equal("doc", "a"));

    [Fact]
    public async Task ReplaceWhere_QdrantDiesBetweenUpsertAndDelete_OldChunksSurviveAndTheRetryConverges()
    {
        await using var index = fake.CreateIndex();
        var name = await CreateDocumentsAsync(index);

        QdrantException error;
        using (RequestHeaders.Use(FakeQdrantProcess.FailAfterOperationsHeader, "1"))
        {
            error = await Assert.ThrowsAsync<QdrantException>(
                () => index.ReplaceWhereAsync(name, DocumentA, [Chunk("a", "a-2", 5), Chunk("a", "a-3", 6)])).Bounded();
        }

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        // Never neither: the old a-1 is still there beside the new generation until the retry.
        Assert.Equal(["a-1", "a-2", "a-3"], await IdsAsync(index, name, DocumentA));
        await index.ReplaceWhereAsync(name, DocumentA, [Chunk("a", "a-2", 5), Chunk("a", "a-3", 6)]).Bounded();

        Assert.Equal(["a-2", "a-3"], await IdsAsync(index, name, DocumentA));
        Assert.Equal(5, (await index.GetAsync(name, ["a-2"]).Bounded()).Single().Payload["n"].AsInteger());
        Assert.Equal(["b-1"], await IdsAsync(index, name, PointFilter.All(FilterCondition.Equal("doc", "b"))));
    }

    [Fact]
    public async Task ReplaceWhere_QdrantDiesBeforeItsFirstOperation_LeavesTheOldSetWhole()
    {
        await using var index = fake.CreateIndex();
        var name = await CreateDocumentsAsync(index);

        using (RequestHeaders.Use(FakeQdrantProcess.FailAfterOperationsHeader, "0"))
        {
            await Assert.ThrowsAsync<QdrantException>(() => index.ReplaceWhereAsync(name, DocumentA, [Chunk("a", "a-9", 9)])).Bounded();
        }

        Assert.Equal(["a-1", "a-2"], await IdsAsync(index, name, DocumentA));
        Assert.Equal(2, (await index.GetAsync(name, ["a-2"]).Bounded()).Single().Payload["n"].AsInteger());
    }

    [Fact]
    public async Task ReplaceWhere_MorePointsThanOneRequestHolds_WritesEveryBatchThenDropsTheOld()
    {
        await using var seeding = fake.CreateIndex();
        var name = await CreateDocumentsAsync(seeding);
        await using var index = fake.CreateIndex(new QdrantIndexOptions { MaxBatchSize = 2 });
        IndexPoint[] replacement = [.. Enumerable.Range(1, 5).Select(i => Chunk("a", $"a-new-{i}", i))];

        await index.ReplaceWhereAsync(name, DocumentA, replacement).Bounded();

        Assert.Equal(replacement.Select(p => p.Id).Order(StringComparer.Ordinal), await IdsAsync(index, name, DocumentA));
        Assert.Equal(6, await index.CountAsync(name).Bounded());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => index.UpsertAsync(name, replacement)).Bounded(); // one upsert is one request
    }

    [Fact]
    public async Task ApiKey_IsSent_AndAMissingKeyFailsWithQdrantsMessage()
    {
        await using var secured = await FakeQdrantProcess.StartAsync(apiKey: "s3cret").Bounded();
        await using var keyed = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(secured.Url), ApiKey = "s3cret" });
        await using var anonymous = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(secured.Url) });

        await keyed.CreateCollectionAsync(new CollectionSpec("keyed", 2)).Bounded();
        var error = await Assert.ThrowsAsync<QdrantException>(() => anonymous.ListCollectionsAsync()).Bounded();

        Assert.Equal(["keyed"], await keyed.ListCollectionsAsync().Bounded());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("Must provide an API key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerSideRejection_SurfacesQdrantsErrorMessage()
    {
        await using var first = fake.CreateIndex();
        await using var second = fake.CreateIndex();
        await first.CreateCollectionAsync(new CollectionSpec("recreated", 4)).Bounded();
        await first.UpsertAsync("recreated", [ContractCorpus.Cat]).Bounded();

        // Another client replaces the collection with 3-dimensional vectors behind the first one's back.
        await second.DeleteCollectionAsync("recreated").Bounded();
        await second.CreateCollectionAsync(new CollectionSpec("recreated", 3)).Bounded();
        var error = await Assert.ThrowsAsync<QdrantException>(() => first.UpsertAsync("recreated", [ContractCorpus.Dog])).Bounded();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Vector dimension error: expected dim: 3, got 4", error.Message, StringComparison.Ordinal);
        await second.DeleteCollectionAsync("recreated").Bounded();
    }

    [Fact]
    public async Task NothingListening_ThrowsUnavailable()
    {
        await using var index = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}") });

        var error = await Assert.ThrowsAsync<QdrantException>(() => index.ListCollectionsAsync()).Bounded();

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Payload_KindsAValueCannotTellApart_RoundTrip()
    {
        await using var index = fake.CreateIndex();
        var name = "kinds-" + Guid.NewGuid().ToString("N")[..8];
        await index.CreateCollectionAsync(new CollectionSpec(name, 2)).Bounded();
        var payload = new Dictionary<string, PayloadValue>
        {
            ["whole"] = 3.0,
            ["integer"] = 3L,
            ["moment"] = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(-5)).AddTicks(4567),
            ["empty"] = Array.Empty<string>(),
            ["text"] = "2024-05-06T07:08:09Z",
        };

        await index.UpsertAsync(name, [new IndexPoint { Id = "p", Vector = [1, 0], Text = "t", Payload = payload }]).Bounded();
        var stored = (await index.GetAsync(name, ["p"]).Bounded()).Single();

        Assert.Equal(payload.OrderBy(p => p.Key), stored.Payload.OrderBy(p => p.Key));
        await index.DeleteCollectionAsync(name).Bounded();
    }

    private static IndexPoint Chunk(string doc, string id, long n) => new()
    {
        Id = id,
        Vector = [n, 1, 0, 0],
        Text = $"chunk {id}",
        Payload = new Dictionary<string, PayloadValue> { ["doc"] = doc, ["n"] = n },
    };

    private static async Task<string> CreateDocumentsAsync(IPointIndex index)
    {
        var name = "replace-" + Guid.NewGuid().ToString("N")[..8];
        await index.CreateCollectionAsync(new CollectionSpec(name, 4)
        {
            FilterableFields = new Dictionary<string, PayloadKind> { ["doc"] = PayloadKind.String },
        }).Bounded();
        await index.UpsertAsync(name, [Chunk("a", "a-1", 1), Chunk("a", "a-2", 2), Chunk("b", "b-1", 3)]).Bounded();
        return name;
    }

    private static async Task<string[]> IdsAsync(IPointIndex index, string name, PointFilter filter) =>
        [.. (await index.SearchAsync(name, new SearchRequest { Vector = [1, 1, 1, 1], Limit = 100, Filter = filter }).Bounded())
            .Select(h => h.Id).Order(StringComparer.Ordinal)];

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed
    }
}
