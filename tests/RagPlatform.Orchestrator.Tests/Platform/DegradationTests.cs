using System.Net;
using System.Text.Json;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>
/// A model service dies (SIGKILL) under the platform: answers degrade or fail clearly, uploads are kept, and the
/// platform recovers on its own once the service is back. Each test owns its platform.
/// </summary>
[Trait("Category", "Fault")]
public sealed class DegradationTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("rag-degradation-").FullName;
    private RunningPlatform _platform = null!;
    private GatewayClient _gateway = null!;

    public async Task InitializeAsync()
    {
        // Every model service must be on the answer's path for its death to show: run the forged ones as if real.
        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Orchestrator] = new Dictionary<string, string?> { ["Answering__RunForgedModels"] = "true" },
            },
        });
        _gateway = new GatewayClient(_platform.CreateClient());
        Assert.Equal(HttpStatusCode.Created, (await _gateway.CreateCollectionAsync("docs")).StatusCode);
        await _gateway.UploadTextAsync("docs", "owls.txt", "Owls hunt at night and can turn their heads very far.");
        await _gateway.UploadTextAsync("docs", "bees.txt", "Bees dance to tell each other where flowers are.");
        await _gateway.WaitUntilSettledAsync("docs", Settle);
    }

    public async Task DisposeAsync()
    {
        _gateway.Http.Dispose();
        await _platform.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task RerankerKilled_AnswerComesInRetrievalOrderMarkedDegraded_ThenRecovers()
    {
        await _platform.KillAsync(PlatformService.Reranker);

        var degraded = await _gateway.AskAsync(Question("How do owls hunt?"));
        Assert.Equal(["rerank"], Degraded(degraded));
        Assert.NotEmpty(degraded.GetProperty("citations").EnumerateArray());
        Assert.NotEmpty(degraded.GetProperty("answer").GetString()!);

        await _platform.StartServiceAsync(PlatformService.Reranker);
        var recovered = await EventuallyAsync(async () => await _gateway.AskAsync(Question("How do owls hunt?")), a => Degraded(a).Count == 0);
        Assert.Empty(Degraded(recovered));
    }

    [Fact]
    public async Task EmbedderKilled_UploadsQueueAndAnswersFallBackToLexical_IndexedOnceItIsBack()
    {
        await _platform.KillAsync(PlatformService.Embedder);

        var upload = await GatewayClient.JsonOf(await _gateway.UploadTextAsync("docs", "whales.txt", "Whales sing songs that travel across oceans."), HttpStatusCode.Accepted);
        Assert.Equal("queued", upload.GetProperty("documents")[0].GetProperty("state").GetString());

        var answer = await _gateway.AskAsync(Question("Why do bees dance?"));
        Assert.Equal(["embed"], Degraded(answer));
        Assert.Contains(answer.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentId").GetString() == "bees.txt");

        // Waiting, not failed: the worker keeps trying (queued between attempts, indexing during one) until the embedder is back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains((await _gateway.GetDocumentAsync("docs", "whales.txt")).GetProperty("state").GetString(), new[] { "queued", "indexing" });

        await _platform.StartServiceAsync(PlatformService.Embedder);
        var settled = await _gateway.WaitUntilSettledAsync("docs", Settle);
        Assert.All(settled, d => Assert.Equal("indexed", d.GetProperty("state").GetString()));
        var whales = await _gateway.AskAsync(Question("whales songs"));
        Assert.Empty(Degraded(whales));
        Assert.Contains(whales.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentId").GetString() == "whales.txt");
    }

    [Fact]
    public async Task GeneratorKilled_AskIsServiceUnavailable_ThenRecovers()
    {
        await _platform.KillAsync(PlatformService.Generator);

        using (var response = await _gateway.PostAskAsync(Question("How do owls hunt?")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Generator", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(),
                StringComparison.Ordinal);
        }

        await _platform.StartServiceAsync(PlatformService.Generator);
        var recovered = await EventuallyAsync(async () =>
        {
            using var response = await _gateway.PostAskAsync(Question("How do owls hunt?"));
            return response.StatusCode;
        }, status => status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    [Fact]
    public async Task OrchestratorKilled_GatewayAnswers503AndNotReady_ThenRecoversWithDataIntact()
    {
        await _platform.KillAsync(PlatformService.Orchestrator);

        using (var response = await _gateway.PostAskAsync(Question("How do owls hunt?")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _gateway.Http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz")).StatusCode);

        await _platform.StartServiceAsync(PlatformService.Orchestrator);
        var documents = await _gateway.ListDocumentsAsync("docs");
        Assert.Equal(2, documents.Count);
        Assert.All(documents, d => Assert.Equal("indexed", d.GetProperty("state").GetString()));
        // The gateway's channels reconnect on their own backoff (at most 2 s apart): an ask may meet one still waiting.
        var recovered = await EventuallyAsync(async () =>
        {
            using var response = await _gateway.PostAskAsync(Question("How do owls hunt?"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.NotEmpty(JsonDocument.Parse(recovered.Body).RootElement.GetProperty("citations").EnumerateArray());
    }

    private static object Question(string question) => new { collection = "docs", question, maxTokens = 8 };

    private static List<string> Degraded(JsonElement answer) => [.. answer.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()!)];

    /// <summary>Repeats <paramref name="attempt"/> until <paramref name="done"/> holds (a circuit may still be open), for at most 20 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, Func<T, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var result = await attempt();
            if (done(result) || DateTime.UtcNow > until)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }
}
