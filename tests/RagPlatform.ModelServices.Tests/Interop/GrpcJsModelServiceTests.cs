using System.Text.Json;
using System.Text.Json.Nodes;
using RagPlatform.ModelServices.Tests.Embedder;
using RagPlatform.ModelServices.Tests.Reranker;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Interop;

/// <summary>grpc-js (tests/node/grpc-interop/client.js, generic --call mode) calling the real Embedder and Reranker processes.</summary>
[Trait("Category", "Interop")]
public sealed class GrpcJsModelServiceTests(EmbedderProcessFixture embedder, RerankerProcessFixture reranker)
    : IClassFixture<EmbedderProcessFixture>, IClassFixture<RerankerProcessFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => TestAssets.EnsureGrpcInteropAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GrpcJs_Embed_ReturnsUnitVectorsWithTokenCounts()
    {
        var (messages, status) = await CallAsync(embedder.Service.Target, "rag.v1.Embedder/Embed", new { texts = new[] { "hello from node", "second" }, role = "EMBED_ROLE_QUERY" });

        Assert.Equal(0, status["code"]!.GetValue<int>());
        var embeddings = Assert.Single(messages)["embeddings"]!.AsArray();
        Assert.Equal(2, embeddings.Count);
        var values = embeddings[0]!["values"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(embedder.Reference.Dimensions, values.Length);
        Assert.Equal(1.0, Math.Sqrt(values.Sum(v => v * v)), 4);
        Assert.True(embeddings[0]!["token_count"]!.GetValue<int>() > 2);
    }

    [Fact]
    public async Task GrpcJs_EmbedEmptyList_InvalidArgumentWithMessage()
    {
        var (_, status) = await CallAsync(embedder.Service.Target, "rag.v1.Embedder/Embed", new { texts = Array.Empty<string>() });

        Assert.Equal(3, status["code"]!.GetValue<int>());
        Assert.Contains("texts is empty", status["details"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcJs_Rerank_ReturnsSortedResults()
    {
        var (messages, status) = await CallAsync(reranker.Service.Target, "rag.v1.Reranker/Rerank",
            new { query = "capital of France", passages = new[] { "Bananas are yellow.", "Paris is the capital of France.", "Rain" }, top_n = 2 });

        Assert.Equal(0, status["code"]!.GetValue<int>());
        var results = Assert.Single(messages)["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.True(results[0]!["score"]!.GetValue<double>() >= results[1]!["score"]!.GetValue<double>());
    }

    private static async Task<(List<JsonNode> Messages, JsonNode Status)> CallAsync(string target, string method, object request)
    {
        var result = await ExternalCommand.RunAsync("node",
            ["client.js", "--target", target, "--call", method, "--json", JsonSerializer.Serialize(request), "--deadline-ms", "30000"],
            TestAssets.GrpcInteropDir, Bound);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var status = lines.LastOrDefault(l => l["status"] is not null)?["status"]
            ?? throw new InvalidOperationException($"client.js printed no status:\n{result.StandardOutput}{result.StandardError}");
        return (lines.Where(l => l["message"] is not null).Select(l => l["message"]!).ToList(), status);
    }
}
