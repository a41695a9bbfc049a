using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using RagPlatform.Client;
using RagPlatform.Contracts.V1;
using AskRequest = RagPlatform.Client.AskRequest;
using ClientSearch = RagPlatform.Client.SearchRequest;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>
/// Search through the gateway (the answer pipeline's retrieval and reranking, no answer) and rag.v1.Models (the model
/// services through the orchestrator), with every service a real process and the tiny forged models.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SearchTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private RagPlatformClient Gateway => fixture.Gateway;

    public async Task InitializeAsync()
    {
        try
        {
            await Gateway.CreateCollectionAsync("search").WaitAsync(Bound);
        }
        catch (RagPlatformException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return;
        }

        await UploadAsync("volcanoes.md", "# Volcanoes\n\nMount Etna is an active stratovolcano on the east coast of Sicily.\n\n## Eruptions\n\nEtna erupts often; its lava flows reach the villages below.");
        await UploadAsync("glaciers.txt", "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps.");
        await UploadAsync("rivers.txt", "The Danube flows through ten countries into the Black Sea.");
        await Gateway.WaitUntilSettledAsync("search", Bound).WaitAsync(Bound);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Search_Lexical_BestPassageFirstRankedFromOne_ForgedRerankerSkipped()
    {
        var found = await Gateway.SearchAsync("search", new ClientSearch("Aletsch glacier snow") { Mode = RetrievalModes.Lexical }).WaitAsync(Bound);

        Assert.Equal("glaciers.txt", found.Passages[0].DocumentId);
        Assert.Equal(Enumerable.Range(1, found.Passages.Count), found.Passages.Select(p => p.Rank));
        Assert.All(found.Passages, p => Assert.Equal(p.Text.Length, p.End - p.Start));
        Assert.Equal(["rerank"], found.Skipped.Select(s => s.Stage));
        Assert.Empty(found.Degraded);
        // Lexical search used no model, and the forged reranker was skipped: nothing forged shaped this result.
        Assert.False(found.ForgedModels);
    }

    [Fact]
    public async Task Search_Hybrid_ForgedEmbedderShapedIt_SaysSo()
    {
        var found = await Gateway.SearchAsync("search", new ClientSearch("Where is Mount Etna?")).WaitAsync(Bound);

        Assert.NotEmpty(found.Passages);
        Assert.True(found.ForgedModels);
    }

    [Fact]
    public async Task Search_SameQueryAsAnExtractiveAsk_FindsTheAsksPassages()
    {
        const string Question = "Etna lava villages";
        var answer = await Gateway.AskAsync(new AskRequest("search", Question) { Mode = RetrievalModes.Lexical, TopK = 5, TopN = 5, Answer = AnswerKinds.Extractive }).WaitAsync(Bound);
        var found = await Gateway.SearchAsync("search", new ClientSearch(Question) { Mode = RetrievalModes.Lexical, K = 5 }).WaitAsync(Bound);

        Assert.NotEmpty(found.Passages);
        Assert.Equal(answer.Citations.Select(c => c.ChunkId).Order(), found.Passages.Select(p => p.ChunkId).Order());
    }

    [Fact]
    public async Task Search_K_BoundsThePassages()
    {
        var all = await Gateway.SearchAsync("search", new ClientSearch("Etna glaciers Danube") { Mode = RetrievalModes.Lexical, Rerank = false }).WaitAsync(Bound);
        Assert.True(all.Passages.Count > 1, "the query matches every document");

        var found = await Gateway.SearchAsync("search", new ClientSearch("Etna glaciers Danube") { Mode = RetrievalModes.Lexical, K = 1, Rerank = false }).WaitAsync(Bound);

        Assert.Single(found.Passages);
        Assert.Empty(found.Skipped);
    }

    [Theory]
    [InlineData("search", """{"query":"x","k":0}""", HttpStatusCode.BadRequest, "k")]
    [InlineData("search", """{"query":"x","k":1000}""", HttpStatusCode.BadRequest, "k")]
    [InlineData("search", """{"query":" "}""", HttpStatusCode.BadRequest, "query")]
    [InlineData("search", """{"query":"x","mode":"fuzzy"}""", HttpStatusCode.BadRequest, "mode")]
    [InlineData("nowhere", """{"query":"x"}""", HttpStatusCode.NotFound, "nowhere")]
    public async Task Search_BadRequest_ProblemJsonNamingTheCause(string collection, string body, HttpStatusCode expected, string named)
    {
        using var response = await fixture.Http.PostAsync($"/v1/collections/{collection}/search", new StringContent(body, Encoding.UTF8, "application/json")).WaitAsync(Bound);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_KeyWithoutAccess_Forbidden()
    {
        var created = await Gateway.CreateKeyAsync(new RagPlatform.Client.CreateKeyRequest("search-other", ["other"])).WaitAsync(Bound);
        var other = fixture.Platform.CreateGatewayClient(created.Key);

        var refused = await Assert.ThrowsAsync<RagPlatformException>(() => other.SearchAsync("search", new ClientSearch("Etna")).WaitAsync(Bound));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ModelsEmbed_SameVectorsAsTheEmbedder_ModelSaysForged()
    {
        using var orchestrator = Channel(PlatformService.Orchestrator);
        using var embedder = Channel(PlatformService.Embedder);
        var request = new EmbedRequest { Texts = { "Mount Etna is in Sicily.", "Glaciers" }, Role = EmbedRole.Query };

        var through = await new Models.ModelsClient(orchestrator).EmbedAsync(request, Deadline());
        var direct = await new Contracts.V1.Embedder.EmbedderClient(embedder).EmbedAsync(request, Deadline());

        Assert.Equal(direct.Embeddings.Select(e => e.Values.ToArray()), through.Response.Embeddings.Select(e => e.Values.ToArray()));
        Assert.Equal(direct.ModelId, through.Model.ModelId);
        Assert.True(through.Model.Forged);
        Assert.True(through.Response.Embeddings[0].TokenCount > 0);
    }

    [Fact]
    public async Task ModelsRerank_ScoresEveryPassage_ModelSaysForged()
    {
        using var orchestrator = Channel(PlatformService.Orchestrator);

        var scored = await new Models.ModelsClient(orchestrator).RerankAsync(new RerankRequest { Query = "volcano", Passages = { "Etna", "Danube", "Alps" } }, Deadline());

        Assert.Equal([0, 1, 2], scored.Response.Results.Select(r => r.Index).Order());
        Assert.True(scored.Model.Forged);
    }

    [Fact]
    public async Task ModelsGenerate_FirstChunkNamesTheModel_LastCarriesUsage()
    {
        using var orchestrator = Channel(PlatformService.Orchestrator);
        var request = new GenerateRequest
        {
            Chat = new Chat { Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } },
            MaxNewTokens = 5,
        };

        using var call = new Models.ModelsClient(orchestrator).Generate(request, Deadline());
        var chunks = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.True(chunks[0].Model.Forged);
        Assert.All(chunks.Skip(1), c => Assert.Null(c.Model));
        Assert.Equal(5, chunks[^1].Chunk.Usage.CompletionTokens);
        Assert.Equal(FinishReason.Length, chunks[^1].Chunk.FinishReason);
    }

    [Fact]
    public async Task ModelsEmbed_NoTexts_InvalidArgumentFromTheEmbedder()
    {
        using var orchestrator = Channel(PlatformService.Orchestrator);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Models.ModelsClient(orchestrator).EmbedAsync(new EmbedRequest(), Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow + Bound);

    private GrpcChannel Channel(PlatformService service) => GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Platform.Port(service)}");

    private Task UploadAsync(string fileName, string text) =>
        Gateway.UploadDocumentAsync("search", new UploadFile(fileName, Encoding.UTF8.GetBytes(text))).WaitAsync(Bound);
}
