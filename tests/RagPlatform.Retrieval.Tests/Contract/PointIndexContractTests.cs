using RagPlatform.Retrieval.Tests.Infrastructure;
using static RagPlatform.Retrieval.Tests.Contract.ContractCorpus;

namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IPointIndex"/> promises, run once per implementation by a derived class.
/// Collections get unique names and are deleted afterwards, so a shared live server stays clean.
/// </summary>
public abstract class PointIndexContractTests : IAsyncLifetime
{
    private readonly List<string> _created = [];
    private IPointIndex? _index;

    protected IPointIndex Index => _index ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>A fresh index; the derived class owns whatever backs it.</summary>
    protected abstract Task<IPointIndex> OpenIndexAsync();

    /// <summary>Releases what <see cref="OpenIndexAsync"/> set up, after the index is disposed.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _index = await OpenIndexAsync().Bounded();

    public async Task DisposeAsync()
    {
        if (_index is not null)
        {
            foreach (var name in _created)
            {
                await _index.DeleteCollectionAsync(name).Bounded();
            }

            await _index.DisposeAsync().Bounded();
        }

        await CleanUpAsync().Bounded();
    }

    private async Task<string> CreateAsync(int dimensions = Dimensions, IReadOnlyDictionary<string, PayloadKind>? fields = null)
    {
        var name = "contract-" + Guid.NewGuid().ToString("N")[..12];
        _created.Add(name);
        await Index.CreateCollectionAsync(new CollectionSpec(name, dimensions) { FilterableFields = fields ?? CorpusFields }).Bounded();
        return name;
    }

    private static readonly Dictionary<string, PayloadKind> CorpusFields = new()
    {
        ["lang"] = PayloadKind.String,
        ["year"] = PayloadKind.Integer,
        ["rating"] = PayloadKind.Double,
        ["tags"] = PayloadKind.StringList,
        ["published"] = PayloadKind.DateTime,
        ["draft"] = PayloadKind.Bool,
    };

    private async Task<string> CreateCorpusAsync()
    {
        var name = await CreateAsync();
        await Index.UpsertAsync(name, All).Bounded();
        return name;
    }

    private async Task<string[]> SearchIdsAsync(string collection, SearchRequest request) =>
        [.. (await Index.SearchAsync(collection, request).Bounded()).Select(h => h.Id)];

    private static SearchRequest Dense(float[] vector, int limit = 10, PointFilter? filter = null, float? threshold = null) =>
        new() { Mode = SearchMode.Dense, Vector = vector, Limit = limit, Filter = filter, ScoreThreshold = threshold };

    [ContractFact]
    public async Task Collections_CreateListGetDelete_RoundTrip()
    {
        var name = await CreateAsync(dimensions: 7);

        Assert.Contains(name, await Index.ListCollectionsAsync().Bounded());
        Assert.Equal(new CollectionInfo(name, 7, 0), await Index.GetCollectionAsync(name).Bounded());
        Assert.True(await Index.DeleteCollectionAsync(name).Bounded());
        Assert.DoesNotContain(name, await Index.ListCollectionsAsync().Bounded());
        Assert.Null(await Index.GetCollectionAsync(name).Bounded());
        Assert.False(await Index.DeleteCollectionAsync(name).Bounded());
    }

    [ContractFact]
    public async Task CreateCollection_Twice_ThrowsAlreadyExists()
    {
        var name = await CreateAsync();

        var error = await Assert.ThrowsAsync<CollectionAlreadyExistsException>(
            () => Index.CreateCollectionAsync(new CollectionSpec(name, Dimensions))).Bounded();
        Assert.Contains(name, error.Message);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("dot.ted")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task CreateCollection_BadName_ThrowsArgumentException(string name)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Index.CreateCollectionAsync(new CollectionSpec(name, Dimensions))).Bounded();
        Assert.Contains("collection name", error.Message);
    }

    [ContractTheory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(4097)]
    public async Task CreateCollection_BadDimensions_ThrowsArgumentException(int dimensions)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Index.CreateCollectionAsync(new CollectionSpec("contract-dims", dimensions))).Bounded();
        Assert.Contains("Dimensions", error.Message);
    }

    [ContractFact]
    public async Task Operations_OnMissingCollection_ThrowCollectionNotFound()
    {
        const string missing = "contract-missing-collection";

        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Index.UpsertAsync(missing, [Cat])).Bounded();
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Index.SearchAsync(missing, Dense([1, 0, 0, 0]))).Bounded();
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Index.CountAsync(missing)).Bounded();
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Index.GetAsync(missing, ["cat"])).Bounded();
    }

    [ContractFact]
    public async Task Upsert_WrongDimensions_IsRejectedAndStoresNothing()
    {
        var name = await CreateAsync();
        var wrong = Cat with { Id = "wrong", Vector = [1f, 2f, 3f] };

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Dog, wrong])).Bounded();

        Assert.Contains("dimension mismatch", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await Index.CountAsync(name).Bounded());
    }

    [ContractFact]
    public async Task Upsert_InvalidPoints_AreRejected()
    {
        var name = await CreateAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Cat with { Id = "" }])).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Cat with { Id = new string('x', 513) }])).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Cat with { Vector = [0, 0, 0, 0] }])).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Cat with { Vector = [float.NaN, 0, 0, 1] }])).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name, [Cat, Cat])).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(name,
            [Cat with { Payload = new Dictionary<string, PayloadValue> { ["_hidden"] = "x" } }])).Bounded();
        Assert.Equal(0, await Index.CountAsync(name).Bounded());
    }

    [ContractFact]
    public async Task Search_WrongQueryDimensions_ThrowsArgumentException()
    {
        var name = await CreateCorpusAsync();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(name, Dense([1f, 0f]))).Bounded();
        Assert.Contains("dimension mismatch", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [ContractFact]
    public async Task Get_ReturnsStoredPointsInRequestedOrder_WithEveryPayloadKind()
    {
        var name = await CreateCorpusAsync();

        var points = await Index.GetAsync(name, ["rocket", "absent", "cat"]).Bounded();

        Assert.Equal(["rocket", "cat"], points.Select(p => p.Id));
        var cat = points[1];
        Assert.Equal(Cat.Text, cat.Text);
        Assert.Equal(Cat.Payload.OrderBy(p => p.Key), cat.Payload.OrderBy(p => p.Key));
        var norm = MathF.Sqrt(Cat.Vector.Sum(x => x * x));
        Assert.All(cat.Vector.Zip(Cat.Vector), pair => Assert.Equal(pair.Second / norm, pair.First, 5));
    }

    [ContractFact]
    public async Task Upsert_ExistingId_ReplacesPointEverywhere()
    {
        var name = await CreateCorpusAsync();
        var replaced = Cat with
        {
            Text = "An owl hooted at midnight",
            Vector = [0.01f, 0.02f, 0.03f, 1f],
            Payload = new Dictionary<string, PayloadValue> { ["lang"] = "de" },
        };

        await Index.UpsertAsync(name, [replaced]).Bounded();

        Assert.Equal(All.Count, await Index.CountAsync(name).Bounded());
        var stored = Assert.Single(await Index.GetAsync(name, ["cat"]).Bounded());
        Assert.Equal(replaced.Text, stored.Text);
        Assert.Equal(replaced.Payload, stored.Payload);
        Assert.Empty(await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "warm mat" }));
        Assert.Equal(["cat"], await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "owl" }));
        Assert.Equal(1, await Index.CountAsync(name, PointFilter.All(FilterCondition.Equal("lang", "de"))).Bounded());
    }

    [ContractFact]
    public async Task Delete_ByIds_RemovesOnlyThose_AndIgnoresUnknownIds()
    {
        var name = await CreateCorpusAsync();

        await Index.DeleteAsync(name, ["dog", "absent", "stock"]).Bounded();

        Assert.Equal(All.Count - 2, await Index.CountAsync(name).Bounded());
        Assert.Empty(await Index.GetAsync(name, ["dog", "stock"]).Bounded());
        Assert.DoesNotContain("dog", await SearchIdsAsync(name, Dense([1, 0, 0, 0])));
        Assert.Equal(All.Count - 2, (await Index.GetCollectionAsync(name).Bounded())!.PointCount);
    }

    [ContractFact]
    public async Task DeleteWhere_RemovesMatchingPointsOnly()
    {
        var name = await CreateCorpusAsync();

        await Index.DeleteWhereAsync(name, PointFilter.All(FilterCondition.Equal("lang", "en"))).Bounded();

        Assert.Equal(["chat"], await SearchIdsAsync(name, Dense([1, 0, 0, 0])));
        Assert.Equal(1, await Index.CountAsync(name).Bounded());
    }

    [ContractFact]
    public async Task ReplaceWhere_SwapsTheMatchingSetForTheNewPoints_AndLeavesOthers()
    {
        var name = await CreateAsync(fields: new Dictionary<string, PayloadKind> { ["doc"] = PayloadKind.String });
        IndexPoint Chunk(string doc, string id, float x) =>
            new() { Id = id, Vector = [x, 1, 0, 0], Text = id, Payload = new Dictionary<string, PayloadValue> { ["doc"] = doc } };
        await Index.UpsertAsync(name, [Chunk("a", "a-1", 1), Chunk("a", "a-2", 2), Chunk("b", "b-1", 3)]).Bounded();

        var byDoc = PointFilter.All(FilterCondition.Equal("doc", "a"));
        await Index.ReplaceWhereAsync(name, byDoc, [Chunk("a", "a-2", 2), Chunk("a", "a-3", 4)]).Bounded();

        Assert.Equal(["a-2", "a-3"], (await Index.GetAsync(name, ["a-1", "a-2", "a-3"]).Bounded()).Select(p => p.Id));
        Assert.Equal(2, await Index.CountAsync(name, byDoc).Bounded());
        Assert.Equal(3, await Index.CountAsync(name).Bounded());

        await Index.ReplaceWhereAsync(name, byDoc, []).Bounded();

        Assert.Equal(0, await Index.CountAsync(name, byDoc).Bounded());
        Assert.Equal(["b-1"], (await Index.GetAsync(name, ["a-2", "a-3", "b-1"]).Bounded()).Select(p => p.Id));
    }

    [ContractFact]
    public async Task Ids_AnyNonEmptyString_RoundTrips()
    {
        var name = await CreateAsync();
        string[] ids = ["doc/1#chunk 2", "ünïcødé ✓", "42", new string('z', 512)];

        await Index.UpsertAsync(name, [.. ids.Select((id, i) => Cat with { Id = id, Vector = [1, i + 1, 0, 0] })]).Bounded();

        Assert.Equal(ids, (await Index.GetAsync(name, ids).Bounded()).Select(p => p.Id));
        Assert.Equal(ids[0], (await Index.SearchAsync(name, Dense([1, 1, 0, 0], limit: 1)).Bounded())[0].Id);
    }

    [ContractFact]
    public async Task EmptyCollection_SearchesReturnNothing()
    {
        var name = await CreateAsync();

        Assert.Empty(await SearchIdsAsync(name, Dense([1, 0, 0, 0])));
        Assert.Empty(await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "cat" }));
        Assert.Empty(await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Hybrid, Text = "cat", Vector = [1, 0, 0, 0] }));
        Assert.Equal(0, await Index.CountAsync(name).Bounded());
        await Index.UpsertAsync(name, []).Bounded();
        Assert.Equal(0, await Index.CountAsync(name).Bounded());
    }

    [ContractFact]
    public async Task DenseSearch_RanksByCosine_WithCosineScores()
    {
        var name = await CreateCorpusAsync();

        var hits = await Index.SearchAsync(name, Dense([2f, 0f, 0f, 0f], limit: 3)).Bounded();

        Assert.Equal(["cat", "dog", "garden"], hits.Select(h => h.Id));
        Assert.Equal(1 / MathF.Sqrt(1 + 0.0025f + 0.0004f + 0.0001f), hits[0].Score, 4);
        Assert.Equal(Cat.Text, hits[0].Text);
        Assert.Equal(Cat.Payload["lang"], hits[0].Payload["lang"]);
    }

    [ContractFact]
    public async Task DenseSearch_LimitAndThreshold_CutTheRanking()
    {
        var name = await CreateCorpusAsync();

        Assert.Equal(["cat", "dog"], await SearchIdsAsync(name, Dense([1, 0, 0, 0], limit: 2)));
        Assert.Equal(["cat", "dog"], await SearchIdsAsync(name, Dense([1, 0, 0, 0], threshold: 0.9f)));
        Assert.Equal(["cat"], await SearchIdsAsync(name, Dense([1, 0, 0, 0], threshold: 0.99f)));
        Assert.Equal(All.Count, (await SearchIdsAsync(name, Dense([1, 0, 0, 0], limit: 1000))).Length);
    }

    [ContractTheory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Search_LimitOutOfRange_ThrowsArgumentException(int limit)
    {
        var name = await CreateCorpusAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(name, Dense([1, 0, 0, 0], limit: limit))).Bounded();
    }

    [ContractFact]
    public async Task LexicalSearch_RanksByTermMatches_AndIgnoresStopWordsAndInflection()
    {
        var name = await CreateCorpusAsync();

        Assert.Equal(["dog", "cat"], await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "dogs chasing balls in parks, or a cat" }));
        Assert.Equal(["stock"], await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "What did the investors do?" }));
        Assert.Empty(await SearchIdsAsync(name, new SearchRequest { Mode = SearchMode.Lexical, Text = "the and of" }));
    }

    [ContractFact]
    public async Task HybridSearch_FusesDenseAndLexicalRanks()
    {
        var name = await CreateCorpusAsync();

        // Dense alone ranks rocket, garden, ... cat last; lexical alone finds only cat. Fused, cat (in both) wins.
        var hits = await Index.SearchAsync(name, new SearchRequest
        {
            Mode = SearchMode.Hybrid, Vector = [0, 0, 0, 1], Text = "cat on a mat", Limit = 3,
        }).Bounded();

        Assert.Equal(["cat", "rocket", "garden"], hits.Select(h => h.Id));
        Assert.Equal((1f / 61) + (1f / 66), hits[0].Score, 4);
        Assert.Equal(1f / 61, hits[1].Score, 4);
    }

    [ContractFact]
    public async Task HybridSearch_ThresholdAppliesToFusedScore()
    {
        var name = await CreateCorpusAsync();

        var hits = await Index.SearchAsync(name, new SearchRequest
        {
            Mode = SearchMode.Hybrid, Vector = [1, 0, 0, 0], Text = "cat", ScoreThreshold = 0.02f,
        }).Bounded();

        Assert.Equal(["cat"], hits.Select(h => h.Id));
        Assert.Equal(2f / 61, hits[0].Score, 4);
    }

    public static TheoryData<string, PointFilter, string[]> Filters => new()
    {
        { "string equality", PointFilter.All(FilterCondition.Equal("lang", "fr")), ["chat"] },
        { "string in list", PointFilter.All(FilterCondition.Equal("tags", "pets")), ["cat", "chat", "dog"] },
        { "integer equality", PointFilter.All(FilterCondition.Equal("year", 2020L)), ["cat", "garden"] },
        { "bool equality", PointFilter.All(FilterCondition.Equal("draft", true)), ["dog"] },
        { "any of strings", PointFilter.All(FilterCondition.AnyOf("tags", "space", "finance")), ["rocket", "stock"] },
        { "any of integers", PointFilter.All(FilterCondition.AnyOf("year", 2019L, 2023L)), ["rocket", "stock"] },
        { "double range", PointFilter.All(new NumericRangeCondition("rating", Gte: 4.0)), ["cat", "chat", "rocket"] },
        { "integer range", PointFilter.All(new NumericRangeCondition("year", Gt: 2021, Lte: 2023)), ["chat", "rocket"] },
        {
            "date range",
            PointFilter.All(new DateRangeCondition("published", Gte: new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero),
                Lt: new DateTimeOffset(2024, 2, 15, 10, 30, 0, TimeSpan.Zero))),
            ["cat"]
        },
        {
            "date range across offsets",
            PointFilter.All(new DateRangeCondition("published", Gt: new DateTimeOffset(2024, 2, 15, 10, 0, 0, TimeSpan.Zero))),
            ["chat", "dog"]
        },
        { "must not", PointFilter.None(FilterCondition.Equal("lang", "en")), ["chat"] },
        { "should", PointFilter.Any(FilterCondition.Equal("lang", "fr"), FilterCondition.Equal("tags", "space")), ["chat", "rocket"] },
        {
            "must and must not",
            new PointFilter { Must = [new NumericRangeCondition("year", Gte: 2020)], MustNot = [FilterCondition.Equal("tags", "pets")] },
            ["garden", "rocket"]
        },
        { "missing field", PointFilter.All(FilterCondition.Equal("absent", "x")), [] },
        { "must not on missing field", PointFilter.None(FilterCondition.Equal("absent", "x")), ["cat", "chat", "dog", "garden", "rocket", "stock"] },
        { "kind mismatch", PointFilter.All(FilterCondition.Equal("year", "2020")), [] },
    };

    [ContractTheory]
    [MemberData(nameof(Filters))]
    public async Task Filters_SelectExpectedPoints_InCountAndEverySearchMode(string because, PointFilter filter, string[] expected)
    {
        var name = await CreateCorpusAsync();

        var dense = await SearchIdsAsync(name, Dense([1, 1, 1, 1], filter: filter));
        var lexical = await SearchIdsAsync(name, new SearchRequest
        {
            Mode = SearchMode.Lexical, Filter = filter, Text = "cat dog stock markets chat rockets garden",
        });
        var hybrid = await SearchIdsAsync(name, new SearchRequest
        {
            Mode = SearchMode.Hybrid, Filter = filter, Vector = [1, 1, 1, 1], Text = "cat",
        });

        Assert.True(expected.SequenceEqual(dense.Order(StringComparer.Ordinal)), $"{because}: dense gave [{string.Join(", ", dense)}]");
        Assert.True(expected.SequenceEqual(lexical.Order(StringComparer.Ordinal)), $"{because}: lexical gave [{string.Join(", ", lexical)}]");
        Assert.True(expected.SequenceEqual(hybrid.Order(StringComparer.Ordinal)), $"{because}: hybrid gave [{string.Join(", ", hybrid)}]");
        Assert.Equal(expected.Length, await Index.CountAsync(name, filter).Bounded());
    }

    [ContractFact]
    public async Task Filter_Invalid_ThrowsArgumentException()
    {
        var name = await CreateCorpusAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.CountAsync(name,
            PointFilter.All(FilterCondition.Equal("rating", 4.5)))).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.CountAsync(name,
            PointFilter.All(new NumericRangeCondition("rating")))).Bounded();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.CountAsync(name,
            PointFilter.All(new MatchAnyCondition("tags", [])))).Bounded();
    }
}
