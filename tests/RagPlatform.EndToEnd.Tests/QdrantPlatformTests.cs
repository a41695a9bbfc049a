using RagPlatform.Retrieval;
using Xunit.Abstractions;

namespace RagPlatform.EndToEnd.Tests;

/// <summary>
/// The platform with <c>Orchestrator__Index=Qdrant</c>: upload through the gateway, wait until indexed, ask, get
/// citations, delete, with every chunk stored in and retrieved from Qdrant over gRPC. Runs here against the fake Qdrant
/// process, and against a real Qdrant in a container wherever a Docker engine answers.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class QdrantPlatformTests(ITestOutputHelper output)
{
    private const string Collection = "handbook";
    private const string DocumentId = "lighthouses";
    private const string Text = """
        # Lighthouses

        The Tower of Hercules in A Coruña is the oldest Roman lighthouse still in use.

        ## Keepers

        Lighthouse keepers trimmed the wicks and wound the clockwork that turned the lens every night.
        """;

    [Fact]
    public async Task FakeQdrant_UploadAskDelete_ChunksLiveInQdrantAndAnswersCiteThem()
    {
        await using var qdrant = await FakeQdrantProcess.StartAsync(apiKey: "fake-qdrant-key").WaitAsync(TimeSpan.FromMinutes(1));

        await UploadAskDeleteAsync(qdrant.Url, qdrant.ApiKey);
    }

    [DockerEngineFact]
    public async Task ContainerQdrant_UploadAskDelete_ChunksLiveInQdrantAndAnswersCiteThem()
    {
        await using var qdrant = await QdrantContainer.StartAsync().WaitAsync(TimeSpan.FromMinutes(5));

        await UploadAskDeleteAsync(qdrant.Url, apiKey: null);
    }

    private async Task UploadAskDeleteAsync(string qdrantUrl, string? apiKey)
    {
        var data = Directory.CreateTempSubdirectory("rag-e2e-qdrant-");
        try
        {
            await using var platform = await RunningPlatform.StartAsync(new PlatformOptions(data.FullName)
            {
                Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
                {
                    [PlatformService.Orchestrator] = new Dictionary<string, string?>
                    {
                        ["Orchestrator__Index"] = "Qdrant",
                        ["Orchestrator__QdrantUrl"] = qdrantUrl,
                        ["Orchestrator__QdrantApiKey"] = apiKey,
                    },
                },
            }).WaitAsync(TimeSpan.FromMinutes(3));
            await using var qdrant = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(qdrantUrl), ApiKey = apiKey });
            var gateway = platform.CreateGatewayClient();

            await gateway.CreateCollectionAsync(Collection).WaitAsync(TimeSpan.FromSeconds(30));
            var uploaded = await gateway.UploadDocumentAsync(Collection, new UploadFile("lighthouses.md", System.Text.Encoding.UTF8.GetBytes(Text)), DocumentId)
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(DocumentId, uploaded.DocumentId);

            var document = Assert.Single(await gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(90)));
            Assert.Equal(DocumentStates.Indexed, document.State);
            var chunks = document.ChunkCount;
            Assert.True(chunks > 0);
            Assert.Equal(chunks, await qdrant.CountAsync(Collection).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.False(Directory.Exists(Path.Combine(data.FullName, "orchestrator", "index")), "the embedded index was opened");

            // Lexical: the forged test models' dense vectors are noise (see SquadAnswerTests).
            var answer = await gateway.AskAsync(new AskRequest(Collection, "Who wound the clockwork of the lighthouse lens?") { Mode = RetrievalModes.Lexical, MaxTokens = 8 })
                .WaitAsync(TimeSpan.FromSeconds(60));
            var citations = answer.Citations;
            output.WriteLine($"{chunks} chunks in Qdrant at {qdrantUrl}; {citations.Count} citations");
            Assert.NotEmpty(citations);
            Assert.All(citations, c => Assert.Equal(DocumentId, c.DocumentId));
            Assert.Contains(citations, c => c.Text.Contains("clockwork", StringComparison.Ordinal));

            await gateway.DeleteDocumentAsync(Collection, DocumentId).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, await qdrant.CountAsync(Collection).WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
