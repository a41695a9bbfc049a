using System.Net;
using System.Text;
using RagPlatform.Client;

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
    private RagPlatformClient _gateway = null!;

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
        _gateway = _platform.CreateGatewayClient();
        await _gateway.CreateCollectionAsync("docs");
        await UploadAsync("owls.txt", "Owls hunt at night and can turn their heads very far.");
        await UploadAsync("bees.txt", "Bees dance to tell each other where flowers are.");
        await _gateway.WaitUntilSettledAsync("docs", Settle);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task RerankerKilled_AnswerComesInRetrievalOrderMarkedDegraded_ThenRecovers()
    {
        await _platform.KillAsync(PlatformService.Reranker);

        var degraded = await _gateway.AskAsync(Question("How do owls hunt?"));
        Assert.Equal(["rerank"], degraded.Degraded);
        Assert.NotEmpty(degraded.Citations);
        Assert.NotEmpty(degraded.Answer);

        await _platform.StartServiceAsync(PlatformService.Reranker);
        var recovered = await EventuallyAsync(() => _gateway.AskAsync(Question("How do owls hunt?")), a => a.Degraded.Count == 0);
        Assert.Empty(recovered.Degraded);
    }

    [Fact]
    public async Task EmbedderKilled_UploadsQueueAndAnswersFallBackToLexical_IndexedOnceItIsBack()
    {
        await _platform.KillAsync(PlatformService.Embedder);

        var upload = await UploadAsync("whales.txt", "Whales sing songs that travel across oceans.");
        Assert.Equal(DocumentStates.Queued, upload.State);

        var answer = await _gateway.AskAsync(Question("Why do bees dance?"));
        Assert.Equal(["embed"], answer.Degraded);
        Assert.Contains(answer.Citations, c => c.DocumentId == "bees.txt");

        // Waiting, not failed: the worker keeps trying (queued between attempts, indexing during one) until the embedder is back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains((await _gateway.GetDocumentAsync("docs", "whales.txt")).State, new[] { DocumentStates.Queued, DocumentStates.Indexing });

        await _platform.StartServiceAsync(PlatformService.Embedder);
        var settled = await _gateway.WaitUntilSettledAsync("docs", Settle);
        Assert.All(settled, d => Assert.Equal(DocumentStates.Indexed, d.State));
        var whales = await _gateway.AskAsync(Question("whales songs"));
        Assert.Empty(whales.Degraded);
        Assert.Contains(whales.Citations, c => c.DocumentId == "whales.txt");
    }

    [Fact]
    public async Task GeneratorKilled_AskIsServiceUnavailable_ThenRecovers()
    {
        await _platform.KillAsync(PlatformService.Generator);

        var failure = await Assert.ThrowsAsync<RagPlatformException>(() => _gateway.AskAsync(Question("How do owls hunt?")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Contains("Generator", failure.Detail, StringComparison.Ordinal);

        await _platform.StartServiceAsync(PlatformService.Generator);
        var recovered = await EventuallyAsync(() => StatusOfAskAsync("How do owls hunt?"), status => status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    [Fact]
    public async Task OrchestratorKilled_GatewayAnswers503AndNotReady_ThenRecoversWithDataIntact()
    {
        await _platform.KillAsync(PlatformService.Orchestrator);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusOfAskAsync("How do owls hunt?"));
        using var http = _platform.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        await _platform.StartServiceAsync(PlatformService.Orchestrator);
        var documents = await _gateway.ListAllDocumentsAsync("docs");
        Assert.Equal(2, documents.Count);
        Assert.All(documents, d => Assert.Equal(DocumentStates.Indexed, d.State));
        // The gateway's channels reconnect on their own backoff (at most 2 s apart): an ask may meet one still waiting.
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(() => StatusOfAskAsync("How do owls hunt?"), status => status == HttpStatusCode.OK));
        Assert.NotEmpty((await _gateway.AskAsync(Question("How do owls hunt?"))).Citations);
    }

    private static AskRequest Question(string question) => new("docs", question) { MaxTokens = 8 };

    private Task<DocumentResource> UploadAsync(string fileName, string text) =>
        _gateway.UploadDocumentAsync("docs", new UploadFile(fileName, Encoding.UTF8.GetBytes(text)));

    private async Task<HttpStatusCode> StatusOfAskAsync(string question)
    {
        try
        {
            await _gateway.AskAsync(Question(question));
            return HttpStatusCode.OK;
        }
        catch (RagPlatformException ex)
        {
            return ex.StatusCode;
        }
    }

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
