using System.Collections.Concurrent;
using System.Text.Json;
using RagPlatform.Retrieval.Qdrant;
using RagPlatform.Retrieval.Tests.Contract;
using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>What the Qdrant adapter puts on the wire, checked against Qdrant's OpenAPI schema on the client side too.</summary>
[Trait("Category", "Interop")]
public sealed class QdrantIndexTests(FakeQdrantFixture fake) : IClassFixture<FakeQdrantFixture>
{
    private static readonly string[] AllOperations =
    [
        "GET /collections", "GET /collections/{collection_name}", "PUT /collections/{collection_name}",
        "DELETE /collections/{collection_name}", "GET /collections/{collection_name}/exists",
        "PUT /collections/{collection_name}/index", "PUT /collections/{collection_name}/points",
        "POST /collections/{collection_name}/points", "POST /collections/{collection_name}/points/delete",
        "POST /collections/{collection_name}/points/count", "POST /collections/{collection_name}/points/query",
    ];

    [Fact]
    public async Task EveryOperation_SendsSchemaValidBodies_AndParsesSchemaValidAnswers()
    {
        var recorder = new RecordingHandler(new HttpClientHandler());
        using var http = new HttpClient(recorder);
        var index = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = fake.Server.BaseAddress });
        var before = fake.Server.Operations.Count;

        await RunEveryOperationAsync(index, "shape-check");

        Assert.Equal(AllOperations.Order(), fake.Server.Operations.Skip(before).Distinct().Order());
        Assert.Empty(fake.Server.Violations);
        foreach (var (method, template, body, _) in recorder.Requests.Where(r => r.Body is not null))
        {
            using var document = JsonDocument.Parse(body!);
            Assert.Empty(fake.Schema.ValidateRequest(method, template, document.RootElement));
        }

        foreach (var (method, template, status, body) in recorder.Responses)
        {
            using var document = JsonDocument.Parse(body);
            Assert.Empty(fake.Schema.ValidateResponse(method, template, status, document.RootElement));
        }
    }

    [Fact]
    public async Task Upsert_SendsDerivedUuidsAndKeepsOriginalIdAndTextInPayload()
    {
        var recorder = new RecordingHandler(new HttpClientHandler());
        using var http = new HttpClient(recorder);
        var index = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = fake.Server.BaseAddress });
        await index.CreateCollectionAsync(new CollectionSpec("upsert-shape", 4)).Bounded();

        await index.UpsertAsync("upsert-shape", [ContractCorpus.Cat with { Id = "doc-1" }]).Bounded();

        var upsert = recorder.Requests.Single(r => r.Template == "/collections/{collection_name}/points" && r.Method == "put");
        using var body = JsonDocument.Parse(upsert.Body!);
        var point = body.RootElement.GetProperty("points")[0];
        Assert.Equal("6fc1903a-7fa4-58de-9f58-317b10074259", point.GetProperty("id").GetString());
        Assert.Equal("doc-1", point.GetProperty("payload").GetProperty("_rag_id").GetString());
        Assert.Equal(ContractCorpus.Cat.Text, point.GetProperty("payload").GetProperty("_rag_text").GetString());
        Assert.Equal("2024-01-10T08:00:00+00:00", point.GetProperty("payload").GetProperty("published").GetString());
        Assert.True(point.GetProperty("vector").GetProperty("lexical").GetProperty("indices").GetArrayLength() > 0);
        Assert.Contains("wait=true", upsert.Query, StringComparison.Ordinal);
        await index.DeleteCollectionAsync("upsert-shape").Bounded();
    }

    [Fact]
    public async Task HybridSearch_IsOneQueryWithTwoPrefetchesAndStandardRrf()
    {
        var recorder = new RecordingHandler(new HttpClientHandler());
        using var http = new HttpClient(recorder);
        var index = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = fake.Server.BaseAddress, RrfK = 60, HybridCandidates = 50 });
        await index.CreateCollectionAsync(new CollectionSpec("hybrid-shape", 4)).Bounded();
        await index.UpsertAsync("hybrid-shape", ContractCorpus.All).Bounded();

        await index.SearchAsync("hybrid-shape", new SearchRequest
        {
            Mode = SearchMode.Hybrid, Vector = [1, 0, 0, 0], Text = "cat", Limit = 3,
            Filter = PointFilter.All(FilterCondition.Equal("lang", "en")),
        }).Bounded();

        var query = recorder.Requests.Single(r => r.Template.EndsWith("/points/query", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(query.Body!);
        var prefetch = body.RootElement.GetProperty("prefetch");
        Assert.Equal(["dense", "lexical"], prefetch.EnumerateArray().Select(p => p.GetProperty("using").GetString()));
        Assert.All(prefetch.EnumerateArray(), p => Assert.Equal(50, p.GetProperty("limit").GetInt32()));
        Assert.All(prefetch.EnumerateArray(), p => Assert.True(p.TryGetProperty("filter", out _)));
        Assert.Equal(61, body.RootElement.GetProperty("query").GetProperty("rrf").GetProperty("k").GetInt32());
        await index.DeleteCollectionAsync("hybrid-shape").Bounded();
    }

    [Fact]
    public async Task ApiKey_IsSentAndAMissingKeyFailsWithQdrantsMessage()
    {
        await using var secured = await FakeQdrantServer.StartAsync(fake.Schema, apiKey: "s3cret").Bounded();
        using var http = new HttpClient();
        var keyed = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = secured.BaseAddress, ApiKey = "s3cret" });
        var anonymous = new QdrantIndex(http, new QdrantIndexOptions { BaseAddress = secured.BaseAddress });

        await keyed.CreateCollectionAsync(new CollectionSpec("keyed", 2)).Bounded();
        var error = await Assert.ThrowsAsync<QdrantException>(() => anonymous.ListCollectionsAsync()).Bounded();

        Assert.Equal(["keyed"], await keyed.ListCollectionsAsync().Bounded());
        Assert.Equal(401, error.StatusCode);
        Assert.Contains("Must provide an API key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerSideRejection_SurfacesQdrantsErrorMessage()
    {
        var first = fake.CreateIndex();
        var second = fake.CreateIndex();
        await first.CreateCollectionAsync(new CollectionSpec("recreated", 4)).Bounded();
        await first.UpsertAsync("recreated", [ContractCorpus.Cat]).Bounded();

        // Another client replaces the collection with 3-dimensional vectors behind the first one's back.
        await second.DeleteCollectionAsync("recreated").Bounded();
        await second.CreateCollectionAsync(new CollectionSpec("recreated", 3)).Bounded();
        var error = await Assert.ThrowsAsync<QdrantException>(() => first.UpsertAsync("recreated", [ContractCorpus.Dog])).Bounded();

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("Vector dimension error: expected dim: 3, got 4", error.Message, StringComparison.Ordinal);
        await second.DeleteCollectionAsync("recreated").Bounded();
    }

    [Theory]
    [InlineData("doc-1", "6fc1903a-7fa4-58de-9f58-317b10074259")]
    [InlineData("ünïcødé ✓", "fb8a4918-6263-5285-a6f7-1e53bfe174a1")]
    public void PointId_IsTheVersion5UuidOfTheStringId(string id, string expected) =>
        Assert.Equal(expected, QdrantPointId.For(id)); // expected values from Python's uuid.uuid5 with the same namespace

    [Fact]
    public void SparseTermHash_IsFnv1a32() // expected values computed independently in Python
    {
        Assert.Equal(3826002220u, SparseTermEncoder.Hash("a"));
        Assert.Equal(108289031u, SparseTermEncoder.Hash("cat"));
    }

    private static async Task RunEveryOperationAsync(IPointIndex index, string name)
    {
        await index.CreateCollectionAsync(new CollectionSpec(name, 4)
        {
            FilterableFields = new Dictionary<string, PayloadKind> { ["lang"] = PayloadKind.String, ["published"] = PayloadKind.DateTime },
        }).Bounded();
        await index.UpsertAsync(name, ContractCorpus.All).Bounded();
        await index.ListCollectionsAsync().Bounded();
        await index.GetCollectionAsync(name).Bounded();
        await index.GetAsync(name, ["cat", "dog"]).Bounded();
        await index.CountAsync(name, PointFilter.All(new DateRangeCondition("published", Gte: DateTimeOffset.UnixEpoch))).Bounded();
        foreach (var mode in Enum.GetValues<SearchMode>())
        {
            await index.SearchAsync(name, new SearchRequest
            {
                Mode = mode, Vector = [1, 0, 0, 0], Text = "cat", ScoreThreshold = 0.001f,
                Filter = new PointFilter { Should = [FilterCondition.AnyOf("tags", "pets", "space")], MustNot = [new NumericRangeCondition("rating", Lt: 1)] },
            }).Bounded();
        }

        await index.DeleteAsync(name, ["cat"]).Bounded();
        await index.DeleteWhereAsync(name, PointFilter.All(FilterCondition.Equal("lang", "fr"))).Bounded();
        await index.DeleteCollectionAsync(name).Bounded();
    }

    /// <summary>Keeps every request and response body that passes through, with its OpenAPI path template.</summary>
    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public IEnumerable<(string Method, string Template, string? Body, string Query)> Requests => _requests;

        public ConcurrentQueue<(string Method, string Template, int Status, string Body)> Responses { get; } = new();

        private readonly ConcurrentQueue<(string, string, string?, string)> _requests = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var method = request.Method.Method.ToLowerInvariant();
            var template = TemplateOf(request.RequestUri!.AbsolutePath);
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            _requests.Enqueue((method, template, body, request.RequestUri.Query));
            var response = await base.SendAsync(request, cancellationToken);
            Responses.Enqueue((method, template, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
            return response;
        }

        private static string TemplateOf(string path)
        {
            var parts = path.Trim('/').Split('/');
            if (parts.Length >= 2)
            {
                parts[1] = "{collection_name}";
            }

            return "/" + string.Join('/', parts);
        }
    }
}
